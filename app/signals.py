"""Named signals through which modules talk without importing each other.

A module that owns an event sends it; any module may connect to it by name
(in its `signals.py`, named by its manifest). Senders pass keyword arguments
only, and always `session` (the SQLAlchemy session of the transaction) and
the ids of what the receiver needs, never an ORM object of the sender's module.

Known events (sender module -> keyword arguments):
- repair_completed  (warranty)  repair_id, technician_user_id, opened_at, closed_at, on_time
- claim_closed      (claims)    claim_id, officer_user_id, opened_at, closed_at, on_time
- satisfaction_recorded (claims) score (1-5), subject_type, subject_id, employee_user_id
"""

from blinker import Namespace

aftersales = Namespace()

repair_completed = aftersales.signal("repair-completed")
claim_closed = aftersales.signal("claim-closed")
satisfaction_recorded = aftersales.signal("satisfaction-recorded")
