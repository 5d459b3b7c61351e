"""REST resources of staff (thin: rules in services/, reports in reports.py).

employee, position, job_description, acknowledgement, responsibility, absence,
intake, task, my_task, time_log, training_program, training_session,
training_record, my_job_description, my_training, staff_report.
"""

from __future__ import annotations

from modules.staff.api_people import (
    AbsenceApi,
    AcknowledgementApi,
    EmployeeApi,
    JobDescriptionApi,
    MyJobDescriptionApi,
    PositionApi,
    ResponsibilityApi,
)
from modules.staff.api_reports import StaffReportApi
from modules.staff.api_training import (
    MyTrainingApi,
    TrainingProgramApi,
    TrainingRecordApi,
    TrainingSessionApi,
)
from modules.staff.api_work import IntakeApi, MyTaskApi, TaskApi, TimeLogApi

APIS = [
    PositionApi,
    EmployeeApi,
    JobDescriptionApi,
    AcknowledgementApi,
    ResponsibilityApi,
    AbsenceApi,
    IntakeApi,
    TaskApi,
    MyTaskApi,
    TimeLogApi,
    TrainingProgramApi,
    TrainingSessionApi,
    TrainingRecordApi,
    MyTrainingApi,
    MyJobDescriptionApi,
    StaffReportApi,
]
