"""Stock auctions for professionals (V-15)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Auction, StandardStatus, Vehicle, VehicleEvent
from .base import check_configuration_right, lock, money
from .events import vehicle_event_record


@transaction.atomic
def auction_create(*, vehicle: Vehicle, by, starts_at, ends_at, reserve_price=None) -> Auction:
    check_configuration_right(by)
    vehicle = lock(vehicle)
    if vehicle.status == StandardStatus.EXIT:
        raise ValidationError(_("Ce véhicule est sorti du stock."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin doit suivre le début de l'enchère.")})
    if reserve_price is not None and reserve_price < 0:
        raise ValidationError({"reserve_price": _("Le prix ne peut pas être négatif.")})
    try:
        with transaction.atomic():
            auction = Auction.objects.create(
                vehicle=vehicle,
                starts_at=starts_at,
                ends_at=ends_at,
                reserve_price=reserve_price,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Une enchère est déjà planifiée ou en cours.")) from exc
    vehicle_event_record(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.AUCTION,
        by=by,
        message=_("Enchère planifiée du %(start)s au %(end)s")
        % {
            "start": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"),
            "end": timezone.localtime(ends_at).strftime("%d/%m/%Y %H:%M"),
        },
    )
    return auction


@transaction.atomic
def auction_start(*, auction: Auction, by) -> Auction:
    check_configuration_right(by)
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    auction.start()
    auction.save(update_fields=["status"])
    vehicle_event_record(
        vehicle=auction.vehicle, kind=VehicleEvent.Kind.AUCTION, by=by, message=_("Enchère ouverte")
    )
    return auction


@transaction.atomic
def auction_close(
    *, auction: Auction, by, won: bool, winning_bid=None, winner: str = ""
) -> Auction:
    check_configuration_right(by)
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    if won:
        if winning_bid is None or winning_bid <= 0 or not winner.strip():
            raise ValidationError({"winning_bid": _("Indiquez l'enchère gagnante et l'acquéreur.")})
        auction.win()
        auction.winning_bid, auction.winner = winning_bid, winner.strip()
    else:
        auction.lose()
    auction.save(update_fields=["status", "winning_bid", "winner"])
    vehicle_event_record(
        vehicle=auction.vehicle,
        kind=VehicleEvent.Kind.AUCTION,
        by=by,
        message=(
            _("Enchère gagnée par %(who)s : %(bid)s")
            % {"who": auction.winner, "bid": money(auction.winning_bid)}
        )
        if won
        else _("Enchère perdue"),
    )
    return auction
