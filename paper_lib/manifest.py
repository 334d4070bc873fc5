"""Manifests: small YAML files naming each measurement (kind, sample, conditions, file, format).

The reference dataset is described by the same manifests a user writes for new data::

    manifest: 1
    description: EIS of my pellets
    reference_data: false          # true only for the generated reference dataset
    measurements:
      - id: pellet-A-30C           # unique in the manifest
        kind: eis                  # see KINDS
        sample: LiBH4-70LiNBH
        file: raw/pelletA_30C.mpt  # relative to the manifest (or absolute)
        format: biologic-mpt       # optional: sniffed from the file when absent
        sha256: 3b1f...            # optional; required with url
        url: https://...           # optional: downloaded with pooch and hash-checked
        conditions: {temperature_C: 30, thickness_mm: 1.0, area_cm2: 0.785}
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths, registry
from .errors import InputError

# Conditions each kind must carry (units are part of the name).
KINDS = {
    "eis": ("temperature_C", "thickness_mm", "area_cm2"),
    "nmr": ("nucleus",),
    "neb": (),
    "structure": (),
    "xrd": (), "ftir": (), "xps": (), "tga": (), "dsc": (), "gcpl": (), "cv": (), "lsv": (), "ca": (), "cp": (),
    "ccd": ("temperature_C", "area_cm2"), "cycling": ("temperature_C", "area_cm2"),
    "cell": ("temperature_C", "active_mass_mg", "one_c_mA_g"),
    "polarization": ("temperature_C", "applied_voltage_V", "thickness_mm", "area_cm2"),
    "trajectory": (), "image": (), "eels": (), "afm-force-map": (), "afm-topography": (),
    "dft-energy": (), "dft-run": (), "bader": (), "charge-density": (), "dos": (), "dipole": (),
}
NUMERIC_CONDITIONS = {"temperature_C", "thickness_mm", "area_cm2", "x_wt_percent", "current_mA_cm2",
                      "c_rate", "active_mass_mg", "active_mass_stderr_mg", "one_c_mA_g", "lead_resistance_ohm", "heating_rate_K_min", "pixel_size_nm",
                      "wavelength_A", "mas_rate_kHz", "applied_voltage_V", "scan_rate_mV_s"}
REQUIRED_FIELDS = ("id", "kind", "sample", "file")


@dataclass(frozen=True)
class Measurement:
    id: str
    kind: str
    sample: str
    path: Path
    format: str | None = None
    sha256: str | None = None
    url: str | None = None
    conditions: dict = field(default_factory=dict)
    manifest: Path | None = None

    def local_file(self) -> Path:
        """The measurement's file on disk, downloaded and/or hash-checked as the manifest asks."""
        if self.url:
            return registry.download(self.path.name, self.sha256, self.url.rsplit("/", 1)[0], self.path.parent)
        if not self.path.exists():
            raise InputError(self.manifest, f"file '{self.path.name}' of measurement '{self.id}' does not exist",
                             field="file")
        if self.sha256:
            return registry.verify(self.path, self.sha256, what=f"manifest {Path(self.manifest).name}")
        name = _reference_name(self.path)
        if name is not None:
            table = registry.registry()
            inside = [n for n in table if n == name or n.startswith(name.rstrip("/") + "/")]
            if not inside:
                raise InputError(paths.REGISTRY, f"reference file '{name}' is not in the registry")
            for entry in inside:
                registry.verify(paths.REFERENCE / entry, table[entry])
        return self.path


@dataclass(frozen=True)
class Manifest:
    path: Path
    description: str
    reference_data: bool
    measurements: tuple

    def select(self, kind=None, sample=None, **conditions):
        """Measurements matching ``kind``, ``sample`` and the given condition values."""
        return [m for m in self.measurements
                if (kind is None or m.kind == kind) and (sample is None or m.sample == sample)
                and all(m.conditions.get(k) == v for k, v in conditions.items())]

    def one(self, kind=None, sample=None, **conditions):
        """The single measurement matching; an error naming the manifest if none or several match."""
        found = self.select(kind, sample, **conditions)
        if len(found) != 1:
            what = ", ".join(f"{k}={v!r}" for k, v in {"kind": kind, "sample": sample, **conditions}.items() if v is not None)
            raise InputError(self.path, f"expected exactly one measurement with {what}, found {len(found)}"
                             + (f": {[m.id for m in found]}" if found else ""))
        return found[0]

    def by_id(self, measurement_id):
        """The measurement called ``measurement_id``; an error naming the manifest and its ids if none is."""
        for m in self.measurements:
            if m.id == measurement_id:
                return m
        raise InputError(self.path, f"no measurement with id {measurement_id!r}; the manifest has "
                                    f"{[m.id for m in self.measurements]}", field="id")

    def samples(self, kind=None):
        """Sample names in manifest order."""
        return list(dict.fromkeys(m.sample for m in self.measurements if kind is None or m.kind == kind))

    def choose_samples(self, kind, wanted, parameter) -> tuple:
        """``(samples, note)``: the ``wanted`` samples (a notebook's default or its parameter). When none
        of them is in this manifest (a lab's own), every sample of ``kind`` it holds, and a note saying
        so; when only some are missing, an :class:`InputError` naming ``parameter``."""
        have = self.samples(kind)
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        missing = [s for s in wanted if s not in have]
        if not have:
            raise InputError(self.path, f"no {kind!r} measurement in this manifest")
        if missing and len(missing) == len(wanted):
            return have, f"none of {parameter} = {wanted} is in {self.path.name}; showing its samples {have}"
        if missing:
            raise InputError(self.path, f"no {kind!r} measurement of {missing}; set '{parameter}' to some of {have}")
        return wanted, ""


def _reference_name(path):
    try:
        return Path(path).resolve().relative_to(paths.REFERENCE.resolve()).as_posix()
    except ValueError:
        return None


def load(path) -> Manifest:
    """Read and validate a manifest; errors name the file, the entry and the field."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "manifest file does not exist")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("measurements"), list):
        raise InputError(path, "expected a mapping with a 'measurements' list", field="measurements")
    if doc.get("manifest", 1) != 1:
        raise InputError(path, f"unsupported manifest version {doc.get('manifest')!r} (expected 1)", field="manifest")
    seen, items = set(), []
    for index, entry in enumerate(doc["measurements"]):
        item = _measurement(path, index, entry)
        if item.id in seen:
            raise InputError(path, f"duplicate id '{item.id}'", field=f"measurements[{index}].id")
        seen.add(item.id)
        items.append(item)
    return Manifest(path, str(doc.get("description", "")), bool(doc.get("reference_data", False)), tuple(items))


def _measurement(path, index, entry) -> Measurement:
    where = f"measurements[{index}]"
    if not isinstance(entry, dict):
        raise InputError(path, "expected a mapping", field=where)
    for key in REQUIRED_FIELDS:
        if entry.get(key) in (None, ""):
            raise InputError(path, "required field is missing", field=f"{where}.{key}")
    kind = entry["kind"]
    if kind not in KINDS:
        raise InputError(path, f"unknown kind {kind!r}; expected one of {sorted(KINDS)}", field=f"{where}.kind")
    conditions = entry.get("conditions") or {}
    if not isinstance(conditions, dict):
        raise InputError(path, "expected a mapping of conditions", field=f"{where}.conditions")
    for key in KINDS[kind]:
        if key not in conditions:
            raise InputError(path, f"a '{kind}' measurement needs condition '{key}'", field=f"{where}.conditions.{key}")
    for key in NUMERIC_CONDITIONS & conditions.keys():
        value = conditions[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(path, f"expected a number, got {value!r}", field=f"{where}.conditions.{key}")
        if key in {"thickness_mm", "area_cm2", "active_mass_mg"} and value <= 0:
            raise InputError(path, f"expected a positive number, got {value!r}", field=f"{where}.conditions.{key}")
    digest = entry.get("sha256")
    if digest is not None and not (isinstance(digest, str) and len(digest) == 64
                                   and all(c in "0123456789abcdefABCDEF" for c in digest)):
        raise InputError(path, f"expected 64 hexadecimal digits in quotes, got {digest!r}", field=f"{where}.sha256")
    if entry.get("url") and not entry.get("sha256"):
        raise InputError(path, "a measurement with a url needs its sha256", field=f"{where}.sha256")
    file = Path(entry["file"])
    file = file if file.is_absolute() else (path.parent / file).resolve()
    return Measurement(id=str(entry["id"]), kind=kind, sample=str(entry["sample"]), path=file,
                       format=entry.get("format"), sha256=entry.get("sha256"), url=entry.get("url"),
                       conditions=dict(conditions), manifest=path)
