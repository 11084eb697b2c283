"""Benchmark of the ERP import (issue #2 §6): Vigie vs a raw load vs django-import-export.

    .venv/bin/python bench/bench_import.py [--dwellings 12000] [--postgres URL] [--iex-dwellings 2000]

Generates an N-dwelling export (≈2.5 occupants per dwelling) as a Windows-1252 `;` CSV, then,
in a child process per database (a throwaway SQLite file, and PostgreSQL if asked):
1. Vigie's `import_stock` (first import, then the same file again: "unchanged"),
   rows/s and peak memory (RSS growth, from getrusage);
2. the floor: csv parse + COPY (PostgreSQL) / executemany INSERT (SQLite) into bare tables;
3. django-import-export with a ModelResource on flat occupant rows (a smaller file: it
   imports row by row).
Prints a table and writes bench/results-import.json. `run(dwellings)` is what bench/run.py calls.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results-import.json"

COMMUNES = [
    ("Toulouse", ["31000", "31100", "31200", "31300", "31400", "31500"], "Agence Toulouse"),
    ("Albi", ["81000"], "Agence Tarn"),
    ("Montauban", ["82000"], "Agence Tarn-et-Garonne"),
    ("Carcassonne", ["11000"], "Agence Aude"),
    ("Montpellier", ["34000", "34070", "34080", "34090"], "Agence Hérault"),
]
LAST = "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Müller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte López Jean Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernández Le Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le Roux Cousin Germain Breton Besson Langlois Rémy Le Pelletier Lebon Hamon Nguyen".split()
FIRST = "Hélène Chloé Léo Jean Marie Inès Marcel Éloïse Noé Zoé Jérôme Gaëlle Anaïs Loïc Mathéo Léa Camille Louise Gabriel Raphaël Arthur Jules Adèle Lucie Émile Céline Françoise Jacqueline Monique Michèle Nicole Sylvie Josiane Odette Renée Andrée Germaine Thérèse Yvette Denise Huguette Paulette Simone Ginette Lucien Gérard Bernard Roger René Raymond Joël Rémi".split()
STREETS = [
    "rue de l'Église",
    "avenue Jean-Jaurès",
    "place du Marché",
    "allée des Érables",
    "boulevard Gambetta",
    "chemin des Côtes",
    "impasse Lapérouse",
    "rue Émile-Zola",
]


def _phone(rng: random.Random) -> str:
    digits = f"0{rng.choice('1234567')}{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.5:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if style < 0.75:
        return digits
    if style < 0.95:
        return "+33 " + digits[1] + " " + " ".join(digits[i : i + 2] for i in range(2, 10, 2))
    return digits[:6]  # a broken number: a warning, not an error


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def generate(dwellings: int, seed: int = 2020) -> tuple[bytes, int]:
    """A Windows-1252, `;`-separated export of `dwellings` dwellings: (bytes, data rows)."""
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    from vigie.housing.demo import HEADERS as HEADER

    w.writerow(HEADER)
    rows = 0
    per_residence = 40
    for n in range(dwellings):
        r = n // per_residence
        commune, postcodes, agency = COMMUNES[r % len(COMMUNES)]
        postcode = postcodes[r % len(postcodes)]
        residence = f"Résidence {LAST[r % len(LAST)]} {r}"
        building = "ABCD"[n % 4]
        dwelling = [
            f"L{n:07d}",
            agency,
            residence,
            f"Quartier {r % 17}",
            "oui" if r % 5 == 0 else "non",
            f"{1 + r % 90} {STREETS[r % len(STREETS)]}",
            postcode,
            commune,
            building,
            str(1 + n % 3),
            str(n % 6),
            f"{n % 6}{n % 10}",
            f"T{1 + n % 6}",
        ]
        start = date(1975, 1, 1) + timedelta(days=rng.randrange(17000))
        last = rng.choice(LAST)
        kind = rng.random()
        people = []
        age = rng.randrange(20, 95)
        birth = date(2026 - age, 1, 1) + timedelta(days=rng.randrange(365))
        people.append((last, rng.choice(FIRST), birth, "titulaire"))
        if kind < 0.45:  # a couple, maybe with children
            people.append(
                (
                    last,
                    rng.choice(FIRST),
                    birth + timedelta(days=rng.randrange(-900, 900)),
                    "conjoint",
                )
            )
        if kind < 0.3 or 0.8 < kind < 0.9:  # children (0.8–0.9: single-parent families)
            for _ in range(rng.randrange(1, 4)):
                child = date(2026 - rng.randrange(1, 18), 1, 1) + timedelta(days=rng.randrange(365))
                people.append((last, rng.choice(FIRST), child, "enfant"))
        for nom, prenom, born, role in people:
            w.writerow(
                [
                    f"B{n:07d}",
                    *dwelling,
                    nom,
                    prenom,
                    _d(born),
                    role,
                    _phone(rng) if role != "enfant" else "",
                    _phone(rng) if rng.random() < 0.2 else "",
                    f"{nom.lower()}.{n}@example.fr" if rng.random() < 0.3 else "",
                    "oui" if rng.random() < 0.05 else "non",
                    _d(start),
                    "",
                ]
            )
            rows += 1
    return out.getvalue().encode("cp1252"), rows


# --------------------------------------------------------------------------- child process


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(database_url: str, dwellings: int, iex_dwellings: int) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("VIGIE_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # as in production: no query log kept in memory

    call_command("migrate", verbosity=0, interactive=False)
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.housing.importing import import_stock
    from vigie.housing.models import Household, Occupant

    data, rows = generate(dwellings)
    org = Organisation.objects.create(
        slug=f"bench-{int(time.time())}", name="Bench HLM", kind=OrganisationKind.LANDLORD
    )
    result: dict = {"database": connection.vendor, "dwellings": dwellings, "rows": rows}

    rss0 = _rss_mb()
    t = time.perf_counter()
    report = import_stock(organisation=org, data=data, file_name="bench.csv")
    first = time.perf_counter() - t
    assert report.imported and not report.errors, report.errors[:3]
    assert Household.objects.filter(organisation=org).count() == dwellings
    result["vigie_first"] = {
        "seconds": round(first, 3),
        "rows_per_s": round(rows / first),
        "peak_rss_growth_mb": round(_rss_mb() - rss0, 1),
        "created": report.created,
        "warnings": len(report.warnings),
    }
    t = time.perf_counter()
    report = import_stock(organisation=org, data=data, file_name="bench.csv")
    again = time.perf_counter() - t
    assert report.unchanged == dwellings and report.created == report.updated == 0
    result["vigie_again"] = {"seconds": round(again, 3), "rows_per_s": round(rows / again)}
    result["occupants"] = Occupant.objects.filter(organisation=org).count()

    result["raw"] = raw_load(connection, data, rows)
    iex_data, iex_rows = generate(iex_dwellings)
    result["import_export"] = iex_load(iex_data, iex_rows, iex_dwellings)
    return result


def raw_load(connection, data: bytes, rows: int) -> dict:
    """The floor: parse the CSV and load every value into bare tables, no validation.

    The database's fastest path: COPY on PostgreSQL, executemany INSERT on SQLite (one
    transaction). Also used by bench/run.py. Tables `bench_raw_*` are dropped afterwards.
    """
    t = time.perf_counter()
    text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader)
    occupants = []
    dwellings = {}
    for r in reader:
        dwellings[r[1]] = r[1:14]
        occupants.append(r[:2] + r[14:])
    dwelling_cols = ", ".join(f"{c} varchar(250)" for c in header[1:14])
    occupant_cols = ", ".join(f"{c} varchar(250)" for c in header[:2] + header[14:])
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_dwelling")
        cur.execute("DROP TABLE IF EXISTS bench_raw_occupant")
        cur.execute(
            f"CREATE TABLE bench_raw_dwelling ({dwelling_cols}, PRIMARY KEY (ref_logement))"
        )
        cur.execute(f"CREATE TABLE bench_raw_occupant ({occupant_cols})")
        if connection.vendor == "postgresql":
            for table, values in (
                ("bench_raw_dwelling", dwellings.values()),
                ("bench_raw_occupant", occupants),
            ):
                with cur.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO bench_raw_dwelling VALUES ({', '.join(['%s'] * 13)})",
                list(dwellings.values()),
            )
            cur.executemany(
                f"INSERT INTO bench_raw_occupant VALUES ({', '.join(['%s'] * 12)})",
                occupants,
            )
    seconds = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw_dwelling")
        cur.execute("DROP TABLE bench_raw_occupant")
    how = "COPY" if connection.vendor == "postgresql" else "executemany INSERT"
    return {"seconds": round(seconds, 3), "rows_per_s": round(rows / seconds), "how": how}


def iex_load(data: bytes, rows: int, dwellings: int) -> dict:
    """django-import-export on flat occupant rows, the way its docs set up a resource.

    Also used by bench/run.py; the table `bench_iex_occupant` is dropped afterwards.
    """
    import tablib
    from django.db import connection, models
    from import_export import fields, resources, widgets

    class BenchFlatOccupant(models.Model):
        ref_bail = models.CharField(max_length=50)
        ref_logement = models.CharField(max_length=50)
        residence = models.CharField(max_length=200)
        adresse = models.CharField(max_length=250)
        code_postal = models.CharField(max_length=5)
        commune = models.CharField(max_length=100)
        nom = models.CharField(max_length=100)
        prenom = models.CharField(max_length=100)
        date_naissance = models.DateField(null=True)
        role = models.CharField(max_length=12)
        telephone = models.CharField(max_length=40, blank=True)
        email = models.CharField(max_length=254, blank=True)

        class Meta:
            app_label = "housing"
            db_table = "bench_iex_occupant"
            # The resource looks each row up by its import id fields: index them, as anyone
            # using django-import-export on a big table would (else each lookup is a scan).
            indexes = [
                models.Index(
                    fields=["ref_bail", "nom", "prenom", "date_naissance"], name="bench_iex_key"
                )
            ]

    with connection.cursor() as cur:  # a previous run cut short may have left it
        cur.execute("DROP TABLE IF EXISTS bench_iex_occupant")
    with connection.schema_editor() as editor:
        editor.create_model(BenchFlatOccupant)

    birth_widget = widgets.DateWidget(format="%d/%m/%Y")
    birth_widget.formats = ("%d/%m/%Y", "%Y-%m-%d")  # ERPs mix both (as generate_export does)

    class FlatResource(resources.ModelResource):
        date_naissance = fields.Field(
            attribute="date_naissance",
            column_name="date_naissance",
            widget=birth_widget,
        )

        class Meta:
            model = BenchFlatOccupant
            import_id_fields = ("ref_bail", "nom", "prenom", "date_naissance")
            fields = (
                "ref_bail",
                "ref_logement",
                "residence",
                "adresse",
                "code_postal",
                "commune",
                "nom",
                "prenom",
                "date_naissance",
                "role",
                "telephone",
                "email",
            )
            skip_unchanged = True

    t = time.perf_counter()
    dataset = tablib.Dataset().load(data.decode("cp1252"), format="csv", delimiter=";")
    result = FlatResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - t
    assert not result.has_errors()
    with connection.schema_editor() as editor:
        editor.delete_model(BenchFlatOccupant)
    return {
        "dwellings": dwellings,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "note": "smaller file: django-import-export imports row by row (a query or more per row)",
    }


# --------------------------------------------------------------------------- driver


def _in_child(database_url: str, dwellings: int, iex_dwellings: int) -> dict:
    env = {**os.environ, "VIGIE_DEBUG": os.environ.get("VIGIE_DEBUG", "1")}
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            database_url,
            "--dwellings",
            str(dwellings),
            "--iex-dwellings",
            str(iex_dwellings),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fresh_postgres(url: str) -> str:
    """A fresh database `bench_import` on the server of `url`."""
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_import WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_import")
    return f"{base}/bench_import"


def run(dwellings: int = 12000, postgres: str | None = None, iex_dwellings: int = 2000) -> dict:
    """Run the benchmark on a throwaway SQLite file (and PostgreSQL); returns the results."""
    # The machine may be shared: the load average says how much to trust the seconds.
    results = {"dwellings": dwellings, "load_average_before": os.getloadavg(), "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        results["runs"].append(
            _in_child(f"sqlite:///{tmp}/bench-import.sqlite3", dwellings, iex_dwellings)
        )
    if postgres:
        results["runs"].append(_in_child(_fresh_postgres(postgres), dwellings, iex_dwellings))
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


def print_table(results: dict) -> None:
    load = ", ".join(f"{x:.1f}" for x in results["load_average_before"])
    print(f"Import benchmark — {results['dwellings']} dwellings (load average before: {load})")
    print(f"{'database':<11}{'what':<44}{'rows':>8}{'seconds':>10}{'rows/s':>10}")
    for r in results["runs"]:
        db = r["database"]
        lines = [
            ("Vigie import_stock, first import", r["rows"], r["vigie_first"]),
            ("Vigie import_stock, same file again", r["rows"], r["vigie_again"]),
            (f"raw csv + {r['raw']['how']} (floor)", r["rows"], r["raw"]),
            (
                f"django-import-export ({r['import_export']['dwellings']} dwellings)",
                r["import_export"]["rows"],
                r["import_export"],
            ),
        ]
        for what, rows, m in lines:
            print(f"{db:<11}{what:<44}{rows:>8}{m['seconds']:>10.2f}{m['rows_per_s']:>10}")
        print(
            f"{'':<11}peak memory growth of the first import: "
            f"{r['vigie_first']['peak_rss_growth_mb']} MB; "
            f"{r['vigie_first']['warnings']} warnings (broken phone numbers, on purpose)"
        )
        print(f"{'':<11}note: {r['import_export']['note']}")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=12000)
    parser.add_argument("--iex-dwellings", type=int, default=2000)
    parser.add_argument("--postgres", help="postgres://user@host:port/db (a server to use)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.dwellings, args.iex_dwellings)))
        return
    print_table(run(args.dwellings, args.postgres, args.iex_dwellings))


if __name__ == "__main__":
    main()
