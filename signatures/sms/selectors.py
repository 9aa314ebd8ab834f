from django.db.models import QuerySet

from signatures.sms.models import SmsMessage


def sms_message_list() -> QuerySet[SmsMessage]:
    return SmsMessage.objects.all()
