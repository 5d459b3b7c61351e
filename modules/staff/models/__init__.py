"""Staff tables (stf_*), one file per aggregate."""

from modules.staff.models.jobs import Acknowledgement, JobDescription
from modules.staff.models.people import (
    ABSENCE_KINDS,
    AREA_KINDS,
    Absence,
    Employee,
    Position,
    Responsibility,
)
from modules.staff.models.training import (
    RESULTS,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
    program_positions,
)
from modules.staff.models.work import (
    INTAKE_CHANNELS,
    KPI_KINDS,
    PRIORITIES,
    TASK_STATES,
    Intake,
    KpiEvent,
    Task,
    TimeLog,
)

__all__ = [
    "ABSENCE_KINDS",
    "AREA_KINDS",
    "INTAKE_CHANNELS",
    "KPI_KINDS",
    "PRIORITIES",
    "RESULTS",
    "TASK_STATES",
    "Absence",
    "Acknowledgement",
    "Employee",
    "Intake",
    "JobDescription",
    "KpiEvent",
    "Position",
    "Responsibility",
    "Task",
    "TimeLog",
    "TrainingProgram",
    "TrainingRecord",
    "TrainingSession",
    "program_positions",
]
