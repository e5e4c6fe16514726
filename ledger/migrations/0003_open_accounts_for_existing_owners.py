"""Open the ledger accounts of members, organisations and programmes that existed before the
ledger did, as their services now open them for new ones."""

from django.conf import settings
from django.db import migrations


def open_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    owned = set(Account.objects.values_list("kind", "member_id", "organisation_id"))
    programme_owned = set(
        Account.objects.filter(programme__isnull=False).values_list("programme_id", "kind", "shard")
    )
    new = [
        Account(kind="member", member_id=pk, has_floor=True)
        for pk in apps.get_model("members", "Member").objects.values_list("pk", flat=True)
        if ("member", pk, None) not in owned
    ]
    new += [
        Account(kind="organisation", organisation_id=pk, has_floor=True)
        for pk in apps.get_model("partners", "Organisation").objects.values_list("pk", flat=True)
        if ("organisation", None, pk) not in owned
    ]
    wanted = [("issuance", shard) for shard in range(settings.LEDGER_ISSUANCE_SHARDS)]
    wanted += [("pool", 0), ("retirement", 0), ("expiry", 0)]
    for pk in apps.get_model("programmes", "Programme").objects.values_list("pk", flat=True):
        new += [
            Account(kind=kind, programme_id=pk, shard=shard, has_floor=kind != "issuance")
            for kind, shard in wanted
            if (pk, kind, shard) not in programme_owned
        ]
    Account.objects.bulk_create(new)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_guarantees"),
        ("members", "0002_initial"),
        ("partners", "0001_initial"),
        ("programmes", "0001_initial"),
    ]

    # Nothing to undo: the accounts go with the tables when 0001 is reversed.
    operations = [migrations.RunPython(open_accounts, migrations.RunPython.noop)]
