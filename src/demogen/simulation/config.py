"""The run configuration: frozen, typed, keyword-only, with documented defaults.

Example::

    SimulationConfig(users=2_000, start=date(2026, 10, 27), days=30, seed=0)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from demogen.simulation.ids import check_id_prefix
from demogen.simulation.presets import PresetTuning, VerticalPreset, load_preset
from demogen.simulation.segments import CustomSegment
from demogen.vocab import Segment

#: The seed's mix of segments among the users who already exist at the start date.
DEFAULT_SEGMENT_MIX: dict[Segment, float] = {
    Segment.NEW_USER: 0.30,
    Segment.ACTIVE_USER: 0.40,
    Segment.POWER_USER: 0.10,
    Segment.CHURNING_USER: 0.15,
    Segment.RETURNING_USER: 0.05,
}

#: ThinkingData accepts server-side data up to about three years back (format doc §4).
MAX_DAYS_BACK = 3 * 365


def earliest_local_date(now: datetime | None = None) -> date:
    """Today's date where it is earliest (UTC−12): the days before it are over in every
    time zone, so no user anywhere lives them in the future (ThinkingData refuses future
    times). At 02:00 UTC on 6 December that is 5 December."""
    now = now or datetime.now(UTC)
    return (now.astimezone(UTC) - timedelta(hours=12)).date()


def default_start(days: int, today: date) -> date:
    """The window that ends yesterday: ThinkingData never accepts future times."""
    return today - timedelta(days=days)


class SimulationConfig(BaseModel):
    """How many users, which window, which seed, which behaviour preset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    users: int = Field(2_000, ge=1, le=100_000_000, description="Distinct users simulated.")
    start: date = Field(description="First local day of the window.")
    days: int = Field(30, ge=1, le=MAX_DAYS_BACK, description="Length of the window in days.")
    seed: int = Field(0, ge=0, description="Same inputs and seed give byte-identical output.")
    preset: str = Field("generic", description="Vertical behaviour preset (demogen presets).")
    segment_mix: dict[Segment, float] = Field(default_factory=lambda: dict(DEFAULT_SEGMENT_MIX))
    market: dict[str, float] | None = Field(
        None, description="ISO country → share of users (--market); None: the plan's country "
        "enums, else countries.yaml's default mix (DeviceFactory).")
    shard_size: int = Field(500, ge=1, description="Users per shard; fixed, not per worker.")
    app_id: str | None = Field(None, description="Optional #app_id written on every record.")
    id_namespace: str = Field(
        "", description="What the users' ids derive from besides the seed and the user: the "
        "plan's fingerprint and the product's name (ids.id_namespace), so two products or "
        "two plans run with one seed share no #account_id, #distinct_id or #device_id.")
    id_prefix: str | None = Field(
        None, description="Starts every #account_id and #distinct_id (--id-prefix).")
    trace_dir: str | None = Field(
        None, description="Folder where each shard writes its users' segment and lifecycle "
        "stage day by day (simulation.trace, --debug-users); None: nothing is traced.")
    custom_segments: tuple[CustomSegment, ...] = Field(
        (), description="Groups of users a person defined (simulation.segments).")
    tuning: PresetTuning | None = Field(
        None, description="Preset values replaced by calibration (demogen generate --target).")

    @field_validator("id_prefix")
    @classmethod
    def _check_prefix(cls, prefix: str | None) -> str | None:
        return check_id_prefix(prefix)

    @model_validator(mode="after")
    def _check(self) -> SimulationConfig:
        total = sum(self.segment_mix.values())
        if total <= 0 or any(v < 0 for v in self.segment_mix.values()):
            raise ValueError("segment_mix needs non-negative shares with a positive sum")
        return self

    def behaviour_preset(self) -> VerticalPreset:
        """The preset the run simulates: ``preset`` with ``tuning`` applied."""
        preset = load_preset(self.preset)
        return preset if self.tuning is None else self.tuning.apply(preset)

    @property
    def end(self) -> date:
        """The last local day of the window (inclusive)."""
        return self.start + timedelta(days=self.days - 1)
