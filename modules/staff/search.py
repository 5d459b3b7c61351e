"""What the navbar search finds in staff: tasks and incoming requests by number (a
reader of the whole list opens them there, anyone else among his own)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.formats import day
from app.search import Searchable
from modules.staff.models import TASK_STATES, Intake, Task

SEARCH = [
    Searchable(
        kind="task",
        title=_l("Tasks"),
        model=Task,
        links=(("Task", "TaskView"), ("MyTask", "MyTaskView")),
        prefix=("number",),
        label=lambda t: f"{t.number or '#' + str(t.id)} {t.title}",
        detail=lambda t: f"{TASK_STATES.label(t.state)} · {day(t.due_date)}",
    ),
    Searchable(
        kind="intake",
        title=_l("Incoming requests"),
        model=Intake,
        links=(("Intake", "IntakeView"), ("MyIntake", "MyIntakeView")),
        prefix=("number",),
        label=lambda i: f"{i.number or '#' + str(i.id)} {i.subject}",
        detail=lambda i: f"{i.received_at:%Y-%m-%d} · {i.from_name}",
    ),
]
