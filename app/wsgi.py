"""WSGI entry point for gunicorn and other servers: `app.wsgi:application`."""

from app import create_app

application = create_app()
