"""Prompt templates from ``prompts/*.md``, loaded strictly.

A file is front matter (``name``, ``version``, ``description``) and two sections,
``## system`` (the instructions) and ``## user`` (only the delimited data). Variables
are ``$name`` (string.Template; ``$$`` for a dollar sign). Rendering fails loudly on
a missing variable and on one the template does not use, so a renamed variable can
never silently drop an article from a prompt.

Untrusted text is *spotlighted*: :func:`fence` wraps it between marker lines that
carry a nonce derived from the text itself, so the text cannot close its own fence
(it would have to contain a hash of itself), and the nonce stays deterministic,
which keeps requests cacheable.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import re
from pathlib import Path
from string import Template

from pydantic import BaseModel, ConfigDict, ValidationError


def _prompts_dir() -> Path:
    # Installed (wheel or editable), prompts/ is the package-data package
    # parallax_prompts; from a bare checkout it is the repo's top-level folder.
    spec = importlib.util.find_spec("parallax_prompts")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent.parent / "prompts"


PROMPTS_DIR = _prompts_dir()
_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
_SECTIONS = re.compile(r"^## system\n(?P<system>.*?)^## user\n(?P<user>.*)\Z", re.DOTALL | re.M)


class PromptError(ValueError):
    """A prompt file is malformed, or was rendered with the wrong variables."""


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    description: str = ""
    system: str
    user: str

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(
            Template(self.system).get_identifiers() + Template(self.user).get_identifiers()
        )

    @property
    def tag(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) messages. Every variable must be given, and nothing else."""
        missing = sorted(self.variables - values.keys())
        unknown = sorted(values.keys() - self.variables)
        if missing or unknown:
            raise PromptError(
                f"prompt {self.tag}: "
                + "; ".join(
                    part
                    for part in (
                        f"missing variable(s) {', '.join(missing)}" if missing else "",
                        f"unknown variable(s) {', '.join(unknown)}" if unknown else "",
                    )
                    if part
                )
            )
        return (
            Template(self.system).substitute(values).strip(),
            Template(self.user).substitute(values).strip(),
        )


def parse_prompt(text: str, origin: str) -> PromptFile:
    front = _FRONT.match(text.replace("\r\n", "\n"))
    if front is None:
        raise PromptError(f"{origin}: no front matter (--- name/version ---)")
    fields: dict[str, str] = {}
    for line in front.group("head").splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            raise PromptError(f"{origin}: bad front matter line {line!r}")
        fields[key.strip()] = value.strip().strip('"')
    sections = _SECTIONS.match(front.group("body").lstrip("\n"))
    if sections is None:
        raise PromptError(f"{origin}: needs a '## system' and then a '## user' section")
    try:
        prompt = PromptFile(**fields, system=sections["system"], user=sections["user"])
    except ValidationError as exc:
        raise PromptError(f"{origin}: {exc}") from exc
    for part in (prompt.system, prompt.user):
        if not Template(part).is_valid():
            raise PromptError(f"{origin}: a '$' that is not a variable (write $$)")
    return prompt


@functools.cache
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> PromptFile:
    path = directory / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"cannot read prompt {name!r}: {exc}") from exc
    prompt = parse_prompt(text, str(path))
    if prompt.name != name:
        raise PromptError(f"{path}: front matter names {prompt.name!r}, file says {name!r}")
    return prompt


def marker(*texts: str) -> str:
    """A nonce for the fence around ``texts``: a hash of the texts themselves."""
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8"))
    return digest.hexdigest()[:16]


def fence(label: str, nonce: str, text: str) -> str:
    return f"<<<{label} {nonce}>>>\n{text}\n<<<END {label} {nonce}>>>"
