"""Who may do what in staff.

HR keeps people, job descriptions, responsibilities, absences and training; the
service manager distributes tasks and reads everything; the accountant reads and
takes the exports; every user has his own tasks (with those of colleagues he
stands in for), his job description (and signs it) and his training.
"""

from app.security import (
    ACCOUNTANT,
    CLAIMS_OFFICER,
    EVERYONE,
    HR,
    SERVICE_MANAGER,
    VIEWER,
    Grant,
    ModulePermissions,
)

_READ_ALL = (SERVICE_MANAGER, ACCOUNTANT)

PERMISSIONS = ModulePermissions(
    grants=(
        Grant("Position", read=(*_READ_ALL, VIEWER), write=(HR,)),
        Grant("Employee", read=(*_READ_ALL, VIEWER), write=(HR,)),
        Grant("JobDescription", read=(*_READ_ALL, VIEWER), write=(HR,)),
        Grant("Acknowledgement", read=(*_READ_ALL, HR), extra={"can_acknowledge": EVERYONE}),
        Grant("Responsibility", read=_READ_ALL, write=(HR,)),
        Grant("Absence", read=_READ_ALL, write=(HR,)),
        Grant("Intake", read=(ACCOUNTANT, HR), write=(SERVICE_MANAGER, CLAIMS_OFFICER)),
        Grant("IntakeQueue", write=(SERVICE_MANAGER,)),
        Grant("MyIntake", write=EVERYONE),
        Grant("Task", read=(ACCOUNTANT, HR), write=(SERVICE_MANAGER,)),
        Grant("TimeLog", read=(ACCOUNTANT, HR), write=(SERVICE_MANAGER,)),
        Grant("MyTask", write=EVERYONE),
        Grant("MyJobDescription", read=EVERYONE),
        Grant("MyTraining", read=EVERYONE),
        Grant("TrainingProgram", read=(*_READ_ALL, VIEWER), write=(HR,)),
        Grant("TrainingSession", read=(*_READ_ALL, VIEWER), write=(HR,)),
        Grant("TrainingRecord", read=_READ_ALL, write=(HR,)),
        Grant("StaffReport", read=(*_READ_ALL, HR)),
    )
)
