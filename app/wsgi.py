"""WSGI entry point for gunicorn and other servers: `app.wsgi:application`.

`flask aftersales serve` preloads it in gunicorn's master process (the app is
built once, workers fork from it); the connections opened while building it are
closed first, so no worker inherits a connection of another process.
"""

from app import create_app
from app.db import db

application = create_app()
with application.app_context():
    db.engine.dispose()
