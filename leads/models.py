"""The models of the leads, one module per sub-domain (Django finds them here)."""

from leads.calls.models import (  # noqa: F401
    Call,
    TrackingNumber,
)
from leads.inbox.models import (  # noqa: F401
    LeadAssignment,
    LeadSettings,
    LeadStatus,
    LeadTag,
    LeadTask,
    LeadTaskEvent,
)
from leads.intake.models import (  # noqa: F401
    ApiKey,
    LeadSource,
    LeadSourceCategory,
)
