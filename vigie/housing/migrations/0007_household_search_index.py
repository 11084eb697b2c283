"""The register's search (issue #12 §4, housing/search.py): `search_text` rewritten in its new
layout (names, address, commune, residence… normalised), and a full-text index on it kept by
the database itself: FTS5 + triggers on SQLite, a generated tsvector + GIN on PostgreSQL."""

from django.db import migrations

from vigie.housing.search import (
    POSTGRES_DOWN,
    POSTGRES_UP,
    SQLITE_DOWN,
    SQLITE_UP,
    refresh_statistics,
    search_text,
)


def rewrite_search_text(apps, schema_editor):
    Household = apps.get_model("housing", "Household")
    Occupant = apps.get_model("housing", "Occupant")
    Commune = apps.get_model("housing", "Commune")
    communes = dict(Commune.objects.values_list("insee_code", "name"))
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), 2000):
        chunk = ids[i : i + 2000]
        people: dict[int, list] = {}
        for o in (
            Occupant.objects.filter(household_id__in=chunk)
            .order_by("household_id", "position", "id")
            .values("household_id", "last_name", "first_name", "phone", "phone_2", "email")
        ):
            people.setdefault(o["household_id"], []).append(o)
        rows = Household.objects.filter(pk__in=chunk).values(
            "pk",
            "reference",
            "dwelling__reference",
            "dwelling__address",
            "dwelling__postcode",
            "dwelling__commune_id",
            "dwelling__residence__name",
        )
        for h in rows:
            os = people.get(h["pk"], [])
            text = search_text(
                names=[x for o in os for x in (o["last_name"], o["first_name"])],
                address=h["dwelling__address"],
                commune=communes.get(h["dwelling__commune_id"], ""),
                postcode=h["dwelling__postcode"],
                residence=h["dwelling__residence__name"],
                references=[h["reference"], h["dwelling__reference"]],
                phones=[p for o in os for p in (o["phone"], o["phone_2"]) if p],
                emails=[o["email"] for o in os],
            )
            Household.objects.filter(pk=h["pk"]).update(search_text=text)


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
        if statements.get(vendor) is SQLITE_UP:
            refresh_statistics(schema_editor.connection)

    return run


class Migration(migrations.Migration):
    dependencies = [("housing", "0006_building_lift_household_arrears")]

    operations = [
        migrations.RunPython(rewrite_search_text, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
