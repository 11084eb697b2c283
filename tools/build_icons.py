"""Rebuild vigie/static/vigie/icons.svg, the icon sprite, from Tabler Icons (MIT).

Tabler Icons is an npm package; its SVG files are copied into one sprite of <symbol>s, served
by Vigie itself (nothing is loaded from the internet at run time, docs/decisions/0017):

    cd /tmp && npm pack @tabler/icons@3.51.0 && tar xzf tabler-icons-3.51.0.tgz
    python tools/build_icons.py /tmp/package/icons/outline > vigie/static/vigie/icons.svg

To add an icon, add its Tabler name to NAMES and run it again (docs/design.md, "Icons").
"""

import re
import sys
from pathlib import Path

NAMES = """
home address-book phone-call route tool checklist heart-handshake report-analytics file-import
users shield-lock bulb point search logout language chevron-down chevron-left chevron-right
arrows-sort arrow-up arrow-down plus pencil trash download alert-triangle info-circle
circle-check x filter inbox menu-2 user-circle calendar printer eye lock building-lighthouse
messages basket briefcase chart-bar dots arrow-left arrow-right check file-spreadsheet clock
phone building map-pin alert-circle external-link refresh player-play player-pause list-details
user-shield calendar-stats layout-dashboard bell chart-pie
""".split()

FRAME = re.compile(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>')


def main(source: Path) -> str:
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg">',
        "<!-- Tabler Icons 3.51.0 (MIT, (c) 2020-2026 Pawel Kuna), outline set;"
        " see icons-LICENSE.txt. Built by tools/build_icons.py. -->",
    ]
    for name in NAMES:
        svg = (source / f"{name}.svg").read_text()
        body = FRAME.sub("", svg.split(">", 1)[1].rsplit("</svg>", 1)[0])
        body = " ".join(body.split()).replace(" />", "/>").strip()
        out.append(
            f'<symbol id="i-{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor"'
            f' stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</symbol>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(main(Path(sys.argv[1])))
