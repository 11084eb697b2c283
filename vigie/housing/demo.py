"""A plausible demo landlord, written as an ERP export and loaded through the real import.

The export looks like what an ERP gives: Windows-1252, `;`-separated, French headers, one row
per occupant, phones written every way, a few trailing spaces and odd cases, the odd duplicated
row. Proportions follow the 2020 story: about 9 % of households over 75, 18 % single-parent
families, 5 % with a disability.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from vigie.core.phones import parse_phone
from vigie.core.text import fold
from vigie.housing.import_parsing import COLUMNS, OPTIONAL_COLUMNS

# The canonical template's columns, with the optional residence columns after "residence".
HEADERS = [*COLUMNS[:4], *OPTIONAL_COLUMNS, *COLUMNS[4:]]

# (commune, postcodes, agency, neighbourhoods with the priority-neighbourhood flag, weight)
PLACES = [
    (
        "Toulouse",
        ["31100"],
        "Agence Toulouse Sud",
        [("Bagatelle", True), ("La Faourette", True), ("Empalot", True)],
        14,
    ),
    (
        "Toulouse",
        ["31200"],
        "Agence Toulouse Nord",
        [("Les Izards", True), ("Croix-Daurade", False), ("Minimes", False)],
        12,
    ),
    (
        "Toulouse",
        ["31300", "31400"],
        "Agence Toulouse Sud",
        [("Saint-Cyprien", False), ("Rangueil", False)],
        8,
    ),
    ("Colomiers", ["31770"], "Agence Toulouse Nord", [("En Jacca", True), ("Centre", False)], 5),
    ("Blagnac", ["31700"], "Agence Toulouse Nord", [("Andromède", False)], 4),
    ("Muret", ["31600"], "Agence Toulouse Sud", [("Saint-Jean", True), ("Centre", False)], 4),
    ("Tournefeuille", ["31170"], "Agence Toulouse Sud", [("Pahin", False)], 3),
    (
        "Albi",
        ["81000"],
        "Agence Tarn",
        [("Cantepau", True), ("Lapanouse", True), ("Centre", False)],
        7,
    ),
    ("Castres", ["81100"], "Agence Tarn", [("Aillot", True), ("Laden", True)], 5),
    ("Gaillac", ["81600"], "Agence Tarn", [("Catalanis", False)], 2),
    (
        "Montauban",
        ["82000"],
        "Agence Tarn-et-Garonne",
        [("Chambord", True), ("Médiathèque", False)],
        7,
    ),
    ("Castelsarrasin", ["82100"], "Agence Tarn-et-Garonne", [("Centre", False)], 2),
    ("Moissac", ["82200"], "Agence Tarn-et-Garonne", [("Sarlac", True)], 2),
    (
        "Carcassonne",
        ["11000"],
        "Agence Aude",
        [("Le Viguier", True), ("Ozanam", True), ("Bastide", False)],
        6,
    ),
    (
        "Narbonne",
        ["11100"],
        "Agence Aude",
        [("Saint-Jean Saint-Pierre", True), ("Razimbaud", True)],
        4,
    ),
    ("Castelnaudary", ["11400"], "Agence Aude", [("Centre", False)], 2),
    (
        "Montpellier",
        ["34070", "34080"],
        "Agence Hérault",
        [("La Paillade", True), ("Croix d'Argent", False)],
        6,
    ),
    ("Béziers", ["34500"], "Agence Hérault", [("La Devèze", True), ("Iranget", True)], 4),
    ("Sète", ["34200"], "Agence Hérault", [("Île de Thau", True)], 2),
]

# Residence names as landlords give them; a name already taken in the organisation gets the
# neighbourhood, then a number ("Les Tilleuls II"), as a landlord's second programme would.
# Invented people for the demo accounts (first names and surnames common in France).
DEMO_NAMES = [
    ("Amina", "Benali"),
    ("Marc", "Lefebvre"),
    ("Claire", "Dubois"),
    ("Hugo", "Moreau"),
    ("Inès", "Garcia"),
    ("Thomas", "Roux"),
    ("Dora", "Petit"),
    ("Émilie", "Durand"),
    ("Yann", "Le Goff"),
    ("Sophie", "Fontaine"),
    ("Karim", "Haddad"),
    ("Julie", "Marchand"),
    ("Paul", "Roy"),
    ("Nadia", "Cherif"),
    ("Louis", "Bernard"),
    ("Camille", "Faure"),
    ("Olivier", "Lambert"),
    ("Léa", "Mercier"),
    ("Antoine", "Blanc"),
    ("Sarah", "Guerin"),
    ("Nicolas", "Perrin"),
    ("Manon", "Colin"),
    ("Julien", "Masson"),
    ("Chloé", "Robin"),
]

RESIDENCE_NAMES = [
    "Les Tilleuls",
    "Les Platanes",
    "Le Clos des Vignes",
    "Les Acacias",
    "Résidence Jean Jaurès",
    "Les Jardins d'Occitanie",
    "Le Parc",
    "Les Cèdres",
    "La Roseraie",
    "Les Peupliers",
    "Les Lavandes",
    "Le Canal",
    "Les Oliviers",
    "Les Berges de la Garonne",
    "Les Hirondelles",
    "Le Belvédère",
    "Les Mimosas",
    "Résidence Pierre-Paul Riquet",
    "Les Chênes",
    "L'Intergénérationnelle",
    "Le Clos Saint-Michel",
    "Les Terrasses du Midi",
    "Le Hameau des Pins",
    "Les Jardins de Lucie",
    "Résidence Simone Veil",
    "Les Coteaux",
    "Le Domaine de la Source",
    "Les Hauts de Garonne",
    "Cité Jean Moulin",
    "Résidence Lucie Aubrac",
    "Les Magnolias",
    "Le Moulin",
    "Les Cigales",
    "Le Clos des Lauriers",
    "Les Marronniers",
    "Résidence Frédéric Mistral",
    "Les Capucines",
    "Le Pré Vert",
    "Les Tournesols",
    "La Pinède",
    "Résidence Marie Curie",
    "Les Charmilles",
    "Le Verger",
    "Les Glycines",
    "Les Arcades",
    "Résidence Jean Moulin",
    "Le Bosquet",
    "Les Iris",
    "Le Clos de la Fontaine",
    "Résidence Olympe de Gouges",
]
STREETS = [
    "rue des Lilas",
    "avenue de la République",
    "rue Victor Hugo",
    "allée des Pins",
    "boulevard Jean Jaurès",
    "rue du Moulin",
    "impasse des Mésanges",
    "rue Pasteur",
    "chemin de la Garrigue",
    "place du Marché",
    "rue Jules Ferry",
    "avenue de Toulouse",
    "rue Émile Zola",
    "rue de la Paix",
    "avenue du Général de Gaulle",
    "rue Gambetta",
    "allée des Tilleuls",
    "rue des Écoles",
    "chemin des Vignes",
    "rue Jean Moulin",
    "avenue Pierre Mendès France",
    "rue de l'Église",
    "rue Alsace-Lorraine",
    "boulevard de Strasbourg",
    "rue Louise Michel",
    "rue des Violettes",
    "allée Frédéric Mistral",
    "rue du Stade",
    "avenue des Pyrénées",
    "rue de la Liberté",
    "rue Paul Bert",
    "chemin du Canal",
    "rue Condorcet",
    "impasse des Acacias",
    "rue Antoine de Saint-Exupéry",
    "avenue Jean Mermoz",
    "rue Marcel Pagnol",
    "allée des Chênes",
    "rue Voltaire",
    "rue Albert Camus",
]
_ROMAN = ["", "", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _roman(n: int) -> str:
    return _ROMAN[n] if n < len(_ROMAN) else str(n)


def residence_name(taken: set[str], base: str, hood: str) -> str:
    """`base`, else `base` of its neighbourhood, else `base II`, `base III`… (unique in `taken`)."""
    candidates = [base]
    if hood and hood != "Centre" and fold(hood) not in fold(base):
        candidates.append(f"{base} – {hood}")
    for name in candidates:
        if fold(name) not in taken:
            taken.add(fold(name))
            return name
    n = 2
    while fold(f"{base} {_roman(n)}") in taken:
        n += 1
    name = f"{base} {_roman(n)}"
    taken.add(fold(name))
    return name


@dataclass
class DemoExport:
    data: bytes
    households: int
    rows: int


def _phone(rng: random.Random, mobile: bool) -> str:
    """A real-looking French number, written one of the ways ERPs hold them."""
    while True:
        if mobile:
            digits = rng.choice(["6", "7"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        else:
            digits = rng.choice(["5", "4"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        if parse_phone("0" + digits):
            break
    national = "0" + digits
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    style = rng.random()
    if style < 0.45:
        return " ".join(pairs)
    if style < 0.75:
        return national
    if style < 0.85:
        return "+33 " + digits[0] + " " + " ".join(pairs[1:])
    if style < 0.97:
        return ".".join(pairs)
    return national[:6]  # too short: the importer keeps it and flags it "to check"


def _birth(rng: random.Random, today: date, age_min: int, age_max: int) -> date:
    return today - timedelta(days=rng.randint(age_min * 365 + 1, age_max * 365 + 300))


def _fmt_date(rng: random.Random, d: date | None) -> str:
    if d is None:
        return ""
    return d.isoformat() if rng.random() < 0.03 else d.strftime("%d/%m/%Y")


def generate_export(
    *, dwellings: int = 12000, seed: int = 2020, today: date | None = None
) -> DemoExport:
    """The ERP export of a landlord of `dwellings` dwellings, as Windows-1252 `;` CSV bytes."""
    today = today or date.today()
    # Reproducible demo data, not a secret.
    rng = random.Random(seed)  # nosec B311
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    last_names = sorted({fake.last_name() for _ in range(3000)})
    male = [fake.first_name_male() for _ in range(300)]
    female = [fake.first_name_female() for _ in range(300)]
    weights = [p[4] for p in PLACES]

    # Residences of 10 to 80 dwellings until the stock is reached.
    residences = []
    remaining = dwellings
    taken: set[str] = set()
    while remaining > 0:
        place = rng.choices(PLACES, weights)[0]
        size = min(remaining, rng.randint(10, 80))
        hood, qpv = rng.choice(place[3])
        name = residence_name(taken, rng.choice(RESIDENCE_NAMES), hood)
        residences.append((name, place, hood, qpv, size))
        remaining -= size
    # The next free street number per (commune, street): two residences of a town never share
    # an address, the same street name exists in several towns (as in France).
    next_number: dict[tuple[str, str], int] = {}

    out = io.StringIO(newline="")
    out.write(";".join(HEADERS) + "\r\n")
    rows = households = 0
    dwelling_no = 0

    def write(values: dict) -> None:
        nonlocal rows
        line = ";".join(str(values.get(h, "")).replace(";", ",") for h in HEADERS)
        out.write(line + "\r\n")
        rows += 1
        if rng.random() < 0.002:  # the odd duplicated row, exactly as ERPs produce them
            out.write(line + "\r\n")
            rows += 1

    for name, place, hood, qpv, size in residences:
        commune, postcodes, agency = place[0], place[1], place[2]
        street = rng.choice(STREETS)
        buildings = [chr(ord("A") + i) for i in range(max(1, size // 20))]
        per_building = -(-size // len(buildings))
        numbers = []  # one street number per building (its entrance)
        for _ in buildings:
            number = next_number.get((commune, street), 1)
            next_number[(commune, street)] = number + rng.choice([2, 2, 2, 4])
            numbers.append(number)
        for i in range(size):
            dwelling_no += 1
            ref_log = f"L{dwelling_no:07d}"
            # One lease per door: each dwelling has its own building, staircase, floor and door
            # (20 per staircase, 4 per floor from the ground floor up).
            b, j = divmod(i, per_building)
            bat = buildings[b]
            base = {
                "ref_logement": ref_log,
                "agence": agency,
                "residence": name,
                "quartier": hood,
                "qpv": "oui" if qpv else "non",
                "adresse": f"{numbers[b]} {street}" + (" " if rng.random() < 0.05 else ""),
                "code_postal": rng.choice(postcodes),
                "commune": commune.upper() if rng.random() < 0.1 else commune,
                "batiment": bat,
                "escalier": str(j // 20 + 1),
                "etage": str(j % 20 // 4),
                "porte": str(j % 4 + 1),
                "type_logement": rng.choices(
                    ["T1", "T2", "T3", "T4", "T5", "T6"], [8, 22, 35, 25, 8, 2]
                )[0],
            }
            # ~2 % of dwellings also carry a former lease that ended last year: a re-let, the
            # current lease starting after it (never two leases of one door at once).
            relet_end = None
            if rng.random() < 0.02:
                households += 1
                end = today - timedelta(days=rng.randint(200, 700))
                relet_end = end
                write(
                    {
                        **base,
                        "ref_bail": f"B{dwelling_no:07d}-0",
                        "nom": rng.choice(last_names),
                        "prenom": rng.choice(male + female),
                        "date_naissance": _fmt_date(rng, _birth(rng, today, 30, 80)),
                        "role": "titulaire",
                        "telephone": _phone(rng, True),
                        "handicap": "non",
                        "date_entree": _fmt_date(rng, end - timedelta(days=rng.randint(400, 5000))),
                        "date_sortie": _fmt_date(rng, end),
                    }
                )
            households += 1
            ref_bail = f"B{dwelling_no:07d}"
            family = rng.choice(last_names)
            r = rng.random()
            people: list[tuple[str, date, str]] = []  # (role, birth, sex)
            if r < 0.055:  # very old person living alone
                people = [("titulaire", _birth(rng, today, 75, 96), rng.choice("FFFM"))]
            elif r < 0.09:  # elderly couple
                people = [
                    ("titulaire", _birth(rng, today, 75, 92), "M"),
                    ("conjoint", _birth(rng, today, 70, 90), "F"),
                ]
            elif r < 0.13:  # aged 70 to 74
                people = [("titulaire", _birth(rng, today, 70, 74), rng.choice("FM"))]
                if rng.random() < 0.4:
                    people.append(("conjoint", _birth(rng, today, 65, 74), "F"))
            elif r < 0.31:  # single-parent family
                people = [("titulaire", _birth(rng, today, 24, 55), rng.choice("FFFFM"))]
                for _ in range(rng.choice([1, 1, 2, 2, 3])):
                    people.append(("enfant", _birth(rng, today, 0, 17), rng.choice("FM")))
            elif r < 0.55:  # couple with children
                people = [
                    ("titulaire", _birth(rng, today, 28, 60), "M"),
                    (rng.choice(["cotitulaire", "conjoint"]), _birth(rng, today, 26, 58), "F"),
                ]
                for _ in range(rng.choice([1, 2, 2, 3, 4])):
                    people.append(("enfant", _birth(rng, today, 0, 20), rng.choice("FM")))
            elif r < 0.72:  # couple
                people = [
                    ("titulaire", _birth(rng, today, 25, 69), "M"),
                    ("cotitulaire", _birth(rng, today, 25, 69), "F"),
                ]
            else:  # person alone, sometimes with another relative
                people = [("titulaire", _birth(rng, today, 19, 69), rng.choice("FM"))]
                if rng.random() < 0.1:
                    people.append(("autre", _birth(rng, today, 18, 90), rng.choice("FM")))
            adult_days = (today - people[0][1]).days - 18 * 365
            start = today - timedelta(days=rng.randint(30, max(31, min(40 * 365, adult_days))))
            if relet_end is not None:
                start = relet_end + timedelta(days=rng.randint(10, 150))
            disability_at = rng.randrange(len(people)) if rng.random() < 0.05 else None
            no_phone = rng.random() < 0.03
            for k, (role, birth, sex) in enumerate(people):
                adult = role != "enfant"
                first = rng.choice(female if sex == "F" else male)
                phone = (
                    ""
                    if (no_phone or not adult or (k > 0 and rng.random() < 0.5))
                    else _phone(rng, rng.random() < 0.6)
                )
                write(
                    {
                        **base,
                        "ref_bail": ref_bail,
                        "nom": family if rng.random() > 0.01 else family + " ",
                        "prenom": first,
                        "date_naissance": _fmt_date(rng, birth),
                        "role": role.capitalize() if rng.random() < 0.2 else role,
                        "telephone": phone,
                        "telephone_2": _phone(rng, True) if phone and rng.random() < 0.15 else "",
                        "email": (
                            fold(f"{first}.{family}@exemple.fr").replace(" ", "")
                            if adult and rng.random() < 0.25
                            else ""
                        ),
                        "handicap": rng.choice(["OUI", "oui", "1"])
                        if k == disability_at
                        else rng.choice(["non", "", "0", "NON"]),
                        "date_entree": _fmt_date(rng, start),
                        "date_sortie": "",
                    }
                )
    data = out.getvalue().encode("cp1252", errors="replace")
    return DemoExport(data=data, households=households, rows=rows)
