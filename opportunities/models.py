"""The models of the sale side, one module per sub-domain (Django finds them here).

The app label stays ``opportunities``: every sub-package's models are imported below so
that migrations and ``apps.get_model("opportunities", …)`` see them.
"""

from opportunities.customers.models import (  # noqa: F401
    Civility,
    Customer,
)
from opportunities.financing.models import (  # noqa: F401
    FinancingRequest,
    FinancingSimulation,
)
from opportunities.products.models import (  # noqa: F401
    PackElement,
    Product,
    VehicleProduct,
)
from opportunities.reservations.models import (  # noqa: F401
    Reservation,
)
from opportunities.sales.models import (  # noqa: F401
    Appointment,
    Offer,
    OfferLine,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderEvent,
    PaymentMethod,
    SalesSettings,
)
from opportunities.tradeins.models import (  # noqa: F401
    TradeIn,
    TradeInEvent,
    TradeInPhoto,
    ValidatorFilter,
)
