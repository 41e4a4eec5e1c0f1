"""The ledger of participant mail sent from the outbox (booking.services.notifications)."""

from django.db import models


class SentMail(models.Model):
    """One row per mail key (a booking and one of its events): claimed as `sending` before the
    mail goes to the server, `sent` once the server accepted it, `failed` when it refused.
    The mail task may run more than once for a key (a retry, a lease that expired on a dead
    worker); a key already `sent` is never sent again."""

    class Status(models.TextChoices):
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    key = models.CharField(max_length=64, unique=True)
    booking = models.ForeignKey("booking.Booking", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16)
    status = models.CharField(max_length=8, choices=Status.choices)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # How many runs started sending this key: more than one after a failure or a lost worker.
    sends = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"{self.key} {self.status}"
