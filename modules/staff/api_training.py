"""REST resources: training programs, sessions, records, my training."""

from marshmallow import validate

from app.api import AppRestApi
from app.datamodel import AppInterface
from modules.staff import services
from modules.staff.models import (
    RESULTS,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from modules.staff.web import MyTrainingFilter

_NAME = validate.Length(min=1, max=200)


class TrainingProgramApi(AppRestApi):
    resource_name = "training_program"
    class_permission_name = "TrainingProgram"
    datamodel = AppInterface(TrainingProgram)
    _fields = ["topic", "code", "description", "hours", "validity_months", "certificate", "active"]
    list_columns = ["id", *_fields, "mandatory_for.id", "mandatory_for.name"]
    show_columns = list_columns
    add_columns = edit_columns = [*_fields, "mandatory_for"]
    search_columns = ["topic", "code", "certificate", "active"]
    validators_columns = {"topic": _NAME}
    rules = services.TrainingProgramRules()


class TrainingSessionApi(AppRestApi):
    resource_name = "training_session"
    class_permission_name = "TrainingSession"
    datamodel = AppInterface(TrainingSession)
    _fields = ["title", "date_from", "date_to", "trainer", "place"]
    list_columns = show_columns = ["id", "program.id", "program.topic", *_fields]
    add_columns = edit_columns = ["program", *_fields]
    search_columns = ["program", "date_from", "title"]
    rules = services.TrainingSessionRules()


_RECORD_FIELDS = ["result", "score", "completed_on", "certificate_no", "expires_on"]
_RECORD_LIST = [
    "id",
    "session.id",
    "session.date_from",
    "session.title",
    "employee.id",
    "employee.name",
    *_RECORD_FIELDS,
]


class TrainingRecordApi(AppRestApi):
    resource_name = "training_record"
    class_permission_name = "TrainingRecord"
    datamodel = AppInterface(TrainingRecord)
    list_columns = show_columns = _RECORD_LIST
    add_columns = edit_columns = ["session", "employee", *_RECORD_FIELDS]
    search_columns = ["session", "employee", "result", "expires_on"]
    validators_columns = {"result": RESULTS.validator()}
    rules = services.TrainingRecordRules()


class MyTrainingApi(AppRestApi):
    resource_name = "my_training"
    class_permission_name = "MyTraining"
    datamodel = AppInterface(TrainingRecord)
    base_filters = [["employee_id", MyTrainingFilter, None]]
    list_columns = show_columns = _RECORD_LIST
    include_route_methods = {"get", "get_list", "info"}
