"""Reading the data a static explorer panel ships, as the panel's own script does."""

from __future__ import annotations

import json
import re


def panel_data(html: str) -> object:
    """The JSON payload of the panel in ``html``."""
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1))
