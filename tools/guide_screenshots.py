"""Take the user guide's screenshots (docs/guide/images/*.png) from a fresh demo, reproducibly.

From the repository root, after `make venv` (Debian's Chromium at /usr/bin/chromium, and its
French resources for the date fields: `apt-get install chromium-l10n`):

    VIGIE_DEBUG=1 .venv/bin/python tools/guide_screenshots.py

or `make guide-screenshots`. It takes about two minutes and touches nothing but
docs/guide/images/:

1. builds the demo (`vigie migrate`, `vigie seed_demo --dwellings 1500`: the same synthetic
   landlord as `make demo`, smaller) into a throwaway SQLite file under its own VIGIE_DATA_DIR,
   /tmp/vigie-guide-screenshots (emptied first: every run starts from the same demo);
2. serves it with `vigie runserver --noreload` on a free localhost port, as `make demo` does
   (VIGIE_DEBUG=1: WhiteNoise serves the static files; VIGIE_REQUIRE_2FA=0: the demo has no
   second factor; e-mails printed, never sent; the task backend is the database one, with no
   worker: the campaign build below is run by this script);
3. plays a short day of work, signed in as the demo roles (README, password
   `Vigie-Demo-2026!`): in the browser, the manager creates a lockdown campaign from the
   template, builds and launches it, a caller works the console, the agency takes on a lift
   breakdown, confides it to its technician and a contractor and joins a photo and a quote;
   through Vigie's services, as the same users, the reports that open the tickets and the
   data-subject requests the DPO received (a late one, an extended one…);
4. takes each screen in headless Chromium, viewport only (never the full page), at 1366×900
   (1024×768 for the campaign with its folded menu, 800×1280 for the food-aid tablet), at one
   CSS pixel per image pixel, and writes docs/guide/images/<name>.png (re-compressed).

The only staging: the campaign build is run by this script (the server has no task worker)
with a pause of a few seconds per wave, so that its progress bar can be caught half-way; on a
1,500-dwelling demo it would otherwise be over before the page first polls it. The figures
and words on screen are the real ones the build writes.

The images and the guide page that embeds each: registre, campagne-1024 (se-reperer.md);
recherche-entete, registre-recherche (registre.md); campagne-construction, console-appel
(campagnes.md); signalement, export-liste (orientations.md); utilisateurs (administration.md);
journal-acces, demandes-rgpd (protection-des-donnees.md); tableaux-de-bord, alertes
(rapports.md); aide-alimentaire-programme, aide-alimentaire-bilan, pointage-tablette
(aide-alimentaire.md); mediation-dossier, mediation-notes (mediation.md); projet,
projet-financeur (projets.md).

Options: `--only NAME[,NAME…]` takes some screenshots only (their preparation still runs as
needed), `--dwellings N`, `--keep` leaves the server's data directory in place for a look.
Run again whenever a screen changes: the images are overwritten, the guide's Markdown is not
touched (each image is embedded in its page once: `![…](images/<name>.png)`).
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import shutil
import socket
import subprocess  # nosec B404 (runs Vigie's own commands)
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "guide" / "images"
DATA_DIR = Path("/tmp/vigie-guide-screenshots")
PASSWORD = "Vigie-Demo-2026!"  # nosec B105 (the documented demo password, README)
WIDE = {"width": 1366, "height": 900}
SMALL = {"width": 1024, "height": 768}
TABLET = {"width": 800, "height": 1280}
MAX_BYTES = 400_000
CHROMIUM_LOCALES = "/usr/lib/chromium/locales"


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always the throwaway SQLite file, never a real database
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="vigie.settings",
        VIGIE_DEBUG="1",
        VIGIE_DEBUG_PAGES="0",
        VIGIE_DATA_DIR=str(data_dir),
        VIGIE_REQUIRE_2FA="0",
        VIGIE_EMAIL_BACKEND="console",
        VIGIE_TASKS_BACKEND="database",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",  # ORM reads next to Playwright's event loop
    )
    return env


def vigie(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("a") as out:
        subprocess.run(  # nosec B603 (our own interpreter and command)
            [sys.executable, "-m", "vigie.manage", *args],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit {server.returncode}): see its log.")
        try:
            with urllib.request.urlopen(url, timeout=2):  # nosec B310 (our localhost server)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url}.")


def save_png(raw: bytes, path: Path) -> int:
    """Re-compress Playwright's PNG (lossless); a screen with photos may need a palette."""
    from PIL import Image

    image = Image.open(io.BytesIO(raw)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    if out.tell() > MAX_BYTES:
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    path.write_bytes(out.getvalue())
    return out.tell()


class Shots:
    """The browser, one signed-in page per demo account, and what the scenario has made."""

    def __init__(self, browser, base: str, only: set[str] | None):
        self.browser = browser
        self.base = base
        self.only = only
        self.pages: dict[tuple[str, str], object] = {}
        self.made: list[tuple[str, int]] = []
        self.done: dict[str, object] = {}

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def page(self, username: str, viewport: dict | None = None, *, touch: bool = False):
        viewport = viewport or WIDE
        key = (username, f"{viewport['width']}x{viewport['height']}")
        if key not in self.pages:
            context = self.browser.new_context(
                locale="fr-FR",
                timezone_id="Europe/Paris",
                viewport=viewport,
                has_touch=touch,
                accept_downloads=False,
            )
            page = context.new_page()
            page.set_default_timeout(20000)
            page.goto(f"{self.base}/comptes/connexion/")
            page.get_by_label("Identifiant").fill(username)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state("networkidle")
            if "/connexion/" in page.url:
                raise SystemExit(f"Could not sign in as {username}.")
            self.pages[key] = page
        return self.pages[key]

    def go(self, page, path: str) -> None:
        page.goto(self.base + path)
        page.wait_for_load_state("networkidle")

    def shot(self, page, name: str) -> None:
        """The viewport as it is, the mouse parked out of the way and no blinking caret."""
        page.mouse.move(0, page.viewport_size["height"] - 1)
        page.wait_for_timeout(150)
        raw = page.screenshot(scale="css", animations="disabled", caret="hide")
        size = save_png(raw, IMAGES / f"{name}.png")
        self.made.append((name, size))
        print(f"  {name}.png  {size // 1024} Ko", flush=True)

    def once(self, key: str, make):
        if key not in self.done:
            self.done[key] = make()
        return self.done[key]


# --- The scenario: what each screenshot needs, made once --------------------------------------


def slow_build(build_id: int, pause: float) -> threading.Thread:
    """Run the requested build here (no worker serves the demo), pausing before each wave."""
    from django.db import connection

    from vigie.campaigns.services import build as build_module

    wave_rows = build_module._wave_rows

    def paused(*args, **kwargs):
        time.sleep(pause)
        return wave_rows(*args, **kwargs)

    def run():
        build_module._wave_rows = paused
        try:
            build_module.campaign_build_run(build_id=build_id)
        finally:
            build_module._wave_rows = wave_rows
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def scroll_to(page, selector: str, top: int) -> None:
    """Scroll so that `selector` starts `top` pixels below the top of the viewport."""
    page.locator(selector).first.evaluate(
        "(el, top) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - top)",
        top,
    )
    page.wait_for_timeout(100)


def campaign(s: Shots) -> int:
    """The manager creates a lockdown campaign from the template, builds it and launches it."""

    def make() -> int:
        page = s.page("responsable")
        s.go(page, "/campagnes/nouvelle/")
        page.locator("#id_template_0").check()  # Confinement
        page.get_by_label("Nom (facultatif)").fill("Confinement — appels de veille")
        page.get_by_role("button", name="Créer depuis le modèle").click()
        page.wait_for_load_state("networkidle")
        pk = int(page.url.rstrip("/").split("/")[-1])
        page.get_by_role("button", name="Construire la liste des ménages à appeler").click()
        page.wait_for_load_state("domcontentloaded")
        card = page.locator("#build-card[hx-get]")
        build_id = int(card.get_attribute("hx-get").rstrip("/").split("/")[-1])
        thread = slow_build(build_id, pause=4)
        label = page.locator("#build-card .build-phase")
        label.filter(has_text="vague 2").wait_for(timeout=30000)
        scroll_to(page, "#build-card", 330)
        if s.wanted("campagne-construction"):
            s.shot(page, "campagne-construction")
        thread.join(60)
        page.get_by_role("heading", name="Résultat de la construction").wait_for(timeout=30000)
        page.get_by_role("button", name="Lancer la campagne").click()
        page.wait_for_load_state("networkidle")
        return pk

    return s.once("campaign", make)


def calls(s: Shots) -> None:
    """A caller takes the first household (screenshot), then a few more calls by keyboard."""

    def make() -> None:
        pk = campaign(s)
        page = s.page("appelant1")
        s.go(page, f"/campagnes/{pk}/console/")
        page.locator("#next-call").click()
        page.locator("#call-form").wait_for()
        page.wait_for_load_state("networkidle")
        if s.wanted("console-appel"):
            s.shot(page, "console-appel")
        # R = reassuring, P = no answer, M = voicemail, S + 1 = follow-up (groceries).
        for keys in ("r", "r", "p", "s1", "r", "m", "r", "s2", "r", "l"):
            target = page.locator("#call-form").get_attribute("data-target")
            for key in keys:
                page.keyboard.press(key)
            page.keyboard.press("Enter")
            page.wait_for_function(
                "t => { const f = document.querySelector('#call-form');"
                " return !f || f.dataset.target !== t; }",
                arg=target,
            )
            page.wait_for_load_state("networkidle")
            if not page.locator("#call-form").count():
                break

    s.once("calls", make)


def lift_ticket(s: Shots) -> int:
    """Two households of a Toulouse Nord residence report the lift; the agency takes it on,
    sends a technician and a contractor, and joins a photo and the contractor's quote."""

    def make() -> int:
        from django.utils import timezone

        from vigie.accounts.models import User
        from vigie.actions.services.tickets import ticket_report
        from vigie.housing.models import Household

        manager = User.objects.get(username="responsable")
        households = list(
            Household.objects.filter(
                organisation__slug="demo",
                dwelling__residence__agency__name="Agence Toulouse Nord",
                dwelling__building__isnull=False,
            )
            .active_on(date.today())
            .exclude(dwelling__floor__in=("", "0", "RDC"))
            .select_related("dwelling__residence")
            .order_by("dwelling__residence__name", "dwelling__building__name", "pk")
        )
        first = households[0]
        neighbour = next(
            h
            for h in households[1:]
            if h.dwelling.residence_id == first.dwelling.residence_id
            and h.dwelling.building_id == first.dwelling.building_id
        )
        ticket = ticket_report(
            actor=manager,
            residence=first.dwelling.residence,
            category="lift",
            note="Ascenseur bloqué depuis ce matin, la porte palière ne se ferme plus.",
            household_id=first.pk,
        )
        ticket_report(
            actor=manager,
            residence=neighbour.dwelling.residence,
            category="lift",
            note="L'ascenseur ne répond plus aux appels.",
            household_id=neighbour.pk,
        )
        # Other problems of the agency's residences, some days old (one past its deadline).
        others = {}
        for h in households:
            others.setdefault(h.dwelling.residence_id, h)
        others.pop(first.dwelling.residence_id, None)
        now = timezone.now()
        for h, (category, days, note) in zip(
            itertools.cycle(others.values()),
            (
                ("lighting", 7, "Hall d'entrée dans le noir le soir."),
                ("pests", 3, "Des cafards dans la colonne vide-ordures."),
                ("entrance_door", 1, "La porte du hall ne se verrouille plus."),
                ("cleaning", 0, "Escalier B non nettoyé depuis deux semaines."),
            ),
        ):
            ticket_report(
                actor=manager,
                residence=h.dwelling.residence,
                category=category,
                note=note,
                household_id=h.pk,
                now=now - timedelta(days=days),
            )
        page = s.page("agence")
        s.go(page, f"/actions/signalements/{ticket.pk}/")
        page.get_by_role("button", name="Prendre en compte").click()
        page.wait_for_load_state("networkidle")
        page.get_by_label("Personne de l'agence").select_option(label=agent_label(page))
        page.get_by_label("Entreprise", exact=True).fill("Ascenseurs du Midi")
        page.get_by_label("Contact de l'entreprise").fill("astreinte 05 61 00 12 34")
        page.get_by_role("button", name="Confier").click()
        page.wait_for_load_state("networkidle")
        for name, mime, body in (
            ("palier-ascenseur.png", "image/png", photo()),
            ("devis-ascenseurs-du-midi.pdf", "application/pdf", quote_pdf()),
        ):
            page.locator("input[type=file]").set_input_files(
                {"name": name, "mimeType": mime, "buffer": body}
            )
            page.get_by_role("button", name="Joindre").click()
            page.wait_for_load_state("networkidle")
        return ticket.pk

    return s.once("ticket", make)


def agent_label(page) -> str:
    options = page.get_by_label("Personne de l'agence").locator("option")
    labels = [t.strip() for t in options.all_inner_texts()]
    return next(t for t in labels if t and not t.startswith("—"))


def photo() -> bytes:
    """A made-up photo of a lift landing (no person on it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (196, 190, 178))
    draw = ImageDraw.Draw(image)
    draw.rectangle((170, 60, 470, 470), fill=(150, 152, 156), outline=(90, 90, 90), width=6)
    draw.line((320, 60, 320, 470), fill=(90, 90, 90), width=4)
    draw.rectangle((500, 220, 540, 300), fill=(60, 60, 60))
    draw.ellipse((510, 235, 530, 255), fill=(220, 40, 40))
    draw.rectangle((0, 470, 640, 480), fill=(120, 110, 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def quote_pdf() -> bytes:
    """A one-page PDF standing for the contractor's quote."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 60), "Ascenseurs du Midi - devis n° 2026-114", fill="black")
    draw.text((60, 100), "Remplacement du contact de porte palière : 480,00 EUR HT", fill="black")
    out = io.BytesIO()
    image.save(out, "PDF")
    return out.getvalue()


def subject_requests(s: Shots) -> None:
    """Requests the DPO received: one late, one due within days, one extended, one answered."""

    def make() -> None:
        from vigie.accounts.models import User
        from vigie.housing.models import Occupant
        from vigie.privacy import services

        dpo = User.objects.get(username="dpo")
        today = date.today()
        people = list(
            Occupant.objects.filter(organisation__slug="demo", role="titulaire").order_by("pk")[
                40:200:30
            ]
        )
        late = services.subject_request_receive(
            actor=dpo, occupant=people[0], kind="access", received_on=today - timedelta(days=36)
        )
        services.subject_request_receive(
            actor=dpo,
            occupant=people[1],
            kind="rectification",
            received_on=today - timedelta(days=26),
        )
        extended = services.subject_request_receive(
            actor=dpo, occupant=people[2], kind="erasure", received_on=today - timedelta(days=12)
        )
        services.subject_request_extend(
            actor=dpo,
            request_id=extended.pk,
            occupant=people[2],
            months=1,
            reason="Demande complexe : vérification auprès du service contentieux.",
        )
        services.subject_request_receive(
            actor=dpo, occupant=people[3], kind="objection", received_on=today - timedelta(days=3)
        )
        answered = services.subject_request_receive(
            actor=dpo, occupant=people[4], kind="access", received_on=today - timedelta(days=9)
        )
        services.subject_access_record(actor=dpo, occupant=people[4])
        del late, answered

    s.once("requests", make)


# --- The screenshots, in the order they are taken ---------------------------------------------


def shots_campaigns(s: Shots) -> None:
    if s.wanted("campagne-construction") or s.wanted("campagne-1024"):
        pk = campaign(s)
        if s.wanted("campagne-1024"):
            page = s.page("responsable", SMALL)
            s.go(page, f"/campagnes/{pk}/")
            s.shot(page, "campagne-1024")
    if s.wanted("console-appel"):
        calls(s)


def shots_register(s: Shots) -> None:
    page = s.page("responsable")
    if s.wanted("registre"):
        s.go(page, "/registre/")
        s.shot(page, "registre")
    if s.wanted("registre-recherche"):
        s.go(page, "/registre/?q=1+rue+Alsace-Lorraine+Muret")
        s.shot(page, "registre-recherche")
    if s.wanted("recherche-entete"):
        s.go(page, "/")
        box = page.locator("#header-q")
        box.click()
        box.press_sequentially("boyer", delay=60)
        page.locator("#header-search-results a").first.wait_for()
        page.wait_for_load_state("networkidle")
        s.shot(page, "recherche-entete")
        page.keyboard.press("Escape")


def shots_tickets(s: Shots) -> None:
    if not (s.wanted("signalement") or s.wanted("export-liste")):
        return
    pk = lift_ticket(s)
    page = s.page("agence")
    if s.wanted("signalement"):
        s.go(page, f"/actions/signalements/{pk}/")
        s.shot(page, "signalement")
    if s.wanted("export-liste"):
        s.go(page, "/actions/signalements/")
        s.shot(page, "export-liste")


def shots_admin(s: Shots) -> None:
    if s.wanted("utilisateurs"):
        page = s.page("admin")
        s.go(page, "/comptes/utilisateurs/")
        s.shot(page, "utilisateurs")


def shots_foodaid(s: Shots) -> None:
    from vigie.foodaid.models import DistributionSession, Programme

    programme = Programme.objects.get(organisation__slug="demo")
    if s.wanted("aide-alimentaire-programme"):
        page = s.page("responsable")
        s.go(page, f"/aide-alimentaire/{programme.pk}/")
        s.shot(page, "aide-alimentaire-programme")
    if s.wanted("aide-alimentaire-bilan"):
        page = s.page("responsable")
        s.go(page, f"/aide-alimentaire/{programme.pk}/bilan/")
        s.shot(page, "aide-alimentaire-bilan")
    if s.wanted("pointage-tablette"):
        session = (
            DistributionSession.objects.filter(programme=programme, closed_at__isnull=True)
            .order_by("pk")
            .first()
        )
        page = s.page("asso", TABLET, touch=True)
        s.go(page, f"/aide-alimentaire/distributions/{session.pk}/pointage/")
        letter = page.locator("#letters button[data-letter]").nth(2)
        letter.tap()
        page.locator("#list button.hh").first.tap()
        page.locator("#panel").wait_for()
        s.shot(page, "pointage-tablette")


def shots_mediation(s: Shots) -> None:
    if not (s.wanted("mediation-dossier") or s.wanted("mediation-notes")):
        return
    from vigie.accounts.models import User
    from vigie.mediation.models import Case

    mediator = User.objects.get(username="mediatrice")
    case = (
        Case.objects.filter(status="in_progress", assignments__user=mediator).order_by("pk").first()
    )
    page = s.page("mediatrice")
    s.go(page, f"/mediation/{case.pk}/")
    s.shot(page, "mediation-dossier")
    if s.wanted("mediation-notes"):
        scroll_to(page, "#notes", 380)
        s.shot(page, "mediation-notes")


def shots_projects(s: Shots) -> None:
    from vigie.projects.models import Project

    project = Project.objects.filter(organisation__slug="demo").order_by("pk").first()
    page = s.page("responsable")
    if s.wanted("projet"):
        s.go(page, f"/projets/{project.pk}/")
        s.shot(page, "projet")
    if s.wanted("projet-financeur"):
        # What the CAF's own login shows: its funding, the indicators, the budget's execution.
        page = s.page("caf")
        s.go(page, f"/projets/{project.pk}/")
        scroll_to(page, "h2:text-is('Indicateurs')", 40)
        s.shot(page, "projet-financeur")


def shots_reports(s: Shots) -> None:
    page = s.page("responsable")
    if s.wanted("tableaux-de-bord"):
        s.go(page, "/rapports/")
        s.shot(page, "tableaux-de-bord")
    if s.wanted("alertes"):
        s.go(page, "/rapports/alertes/")
        s.shot(page, "alertes")


def shots_privacy(s: Shots) -> None:
    page = s.page("dpo")
    if s.wanted("demandes-rgpd"):
        subject_requests(s)
        s.go(page, "/confidentialite/demandes/")
        s.shot(page, "demandes-rgpd")
    if s.wanted("journal-acces"):
        s.go(page, "/confidentialite/journal-des-acces/")
        s.shot(page, "journal-acces")


SECTIONS = (
    shots_campaigns,
    shots_register,
    shots_tickets,
    shots_admin,
    shots_foodaid,
    shots_mediation,
    shots_projects,
    shots_reports,
    shots_privacy,  # last: the access log then shows the whole scenario
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="names of the screenshots to take, comma-separated")
    parser.add_argument("--dwellings", type=int, default=1500)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    started = time.monotonic()

    if DATA_DIR.exists():
        shutil.rmtree(DATA_DIR)
    DATA_DIR.mkdir(parents=True)
    log = DATA_DIR / "demo.log"
    env = environment(DATA_DIR)
    print(f"Demo of {args.dwellings} dwellings in {DATA_DIR} (log: {log})…", flush=True)
    vigie(env, "migrate", "--noinput", log=log)
    vigie(env, "seed_demo", "--dwellings", str(args.dwellings), log=log)

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from vigie.browser import CHROMIUM, CHROMIUM_ARGS

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (DATA_DIR / "server.log").open("w")
    server = subprocess.Popen(  # nosec B603 (our own interpreter and command)
        [sys.executable, "-m", "vigie.manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"{base}/comptes/connexion/", server)
        print(f"Serving {base}; screenshots into {IMAGES.relative_to(ROOT)}/", flush=True)
        IMAGES.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            # The browser's own widgets (date fields, file picker) in French too: the locale
            # variables, with Chromium's French resources (Debian package chromium-l10n).
            if not Path(CHROMIUM_LOCALES, "fr.pak").exists():
                print(
                    "  (without chromium-l10n, date fields show mm/dd/yyyy: "
                    "apt-get install chromium-l10n)",
                    flush=True,
                )
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[*CHROMIUM_ARGS, "--lang=fr-FR"],
                env={**env, "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"},
            )
            try:
                s = Shots(browser, base, only)
                for section in SECTIONS:
                    section(s)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(10)
        server_log.close()
        if not args.keep:
            shutil.rmtree(DATA_DIR, ignore_errors=True)
    big = [name for name, size in s.made if size > MAX_BYTES]
    print(
        f"{len(s.made)} screenshots in {time.monotonic() - started:.0f} s"
        + (f"; over {MAX_BYTES // 1000} Ko: {', '.join(big)}" if big else ""),
        flush=True,
    )


if __name__ == "__main__":
    main()
