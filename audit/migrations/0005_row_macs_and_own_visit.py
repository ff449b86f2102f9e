"""Each access-log row gets ``own_visit`` (decided when the row is written, from now on)
and ``mac``, an HMAC under AUDIT_SEAL_KEY (the key is in the settings, not the database).

Existing rows are signed here, in id order, but only those whose hash matches their
content and whose link matches the row before them in their chain: a row that was
already broken stays unsigned, so ``verify_audit`` keeps reporting it (signing is not
a way to launder an old forgery). Their ``own_visit`` is what the family table says at
migration time, the best that can be known for rows written before it was stored.
On PostgreSQL the rows are append-only: the owner (who runs migrations) turns the row
trigger off for this one transaction."""

from django.db import migrations, models

TRIGGER = "auditevent_append_only"


def sign_existing(apps, schema_editor):
    from audit.services import GENESIS, ROW_MAC_DOMAIN, compute_hash, row_payload
    from audit import macs

    AuditEvent = apps.get_model("audit", "AuditEvent")
    Guardian = apps.get_model("families", "Guardian")
    Child = apps.get_model("families", "Child")
    family_of_user = dict(Guardian.objects.values_list("user_id", "family_id"))
    family_of_child = dict(Child.objects.values_list("pk", "family_id"))
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # ALTER TABLE refuses while deferred checks are pending in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}", params=None)
    heads = {}
    batch = []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        intact = event.prev_hash == heads.get(event.chain, GENESIS) and compute_hash(event.prev_hash, event) == event.hash
        heads[event.chain] = event.hash
        if not intact:
            continue
        event.own_visit = (
            event.outcome != "denied"
            and event.actor_id is not None
            and event.child_id is not None
            and family_of_user.get(event.actor_id) is not None
            and family_of_user.get(event.actor_id) == family_of_child.get(event.child_id)
        )
        event.mac = macs.sign(ROW_MAC_DOMAIN, row_payload(event))
        batch.append(event)
        if len(batch) >= 500:
            AuditEvent.objects.bulk_update(batch, ["own_visit", "mac"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["own_visit", "mac"])
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_truncate_and_seal_guards'),
        ('families', '0002_invitation_childgroupobjectpermission_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='own_visit',
            field=models.BooleanField(default=False, help_text="The child's own family, allowed: folded into the family's own visits."),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
