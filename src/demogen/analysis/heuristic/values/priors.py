"""What a number property's name says about its values (``level`` → 1–150, skewed low).

Compile time only, like :mod:`~demogen.analysis.heuristic.values.kinds`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from demogen.analysis.heuristic.values.names import leaf, normalize

# -- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberPrior:
    """A default distribution for a number property known only by its name."""

    kind: str
    lo: float
    hi: float
    shape: str          # "low" | "log" | "lognormal" | "geom" | "tri" | "uniform" | "beta22"
    integer: bool = True
    decimals: int = 2
    center: float | None = None  # median (lognormal) or mode (tri)


_NUMBER_RULES: tuple[tuple[re.Pattern[str], NumberPrior], ...] = tuple(
    (re.compile(p), prior) for p, prior in (
        (r"(^|_)(timestamp|ts|epoch|unix_time|unixtime|session_id)$|_ts$",
         NumberPrior("epoch", 0, 0, "epoch")),
        (r"(^|_)(timestamp_ms|ts_ms|epoch_ms)$", NumberPrior("epoch_ms", 0, 0, "epoch")),
        (r"msec|(^|_)ms$|_ms$|millis", NumberPrior("duration_ms", 100, 3_600_000, "lognormal",
                                                   center=15_000)),
        (r"duration|elapsed|seconds|(^|_)secs?$|_sec$|play_time|online_time|stay_time|"
         r"time_spent|watch_time|clear_time|wait_time|dwell|spent_time|use_time|playtime|"
         r"add_time|session_length|time_taken|load_time",
         NumberPrior("duration", 5, 600, "lognormal", center=90)),
        (r"minutes|_mins?$|(^|_)min$", NumberPrior("minutes", 1, 600, "lognormal", center=20)),
        (r"hours|_hours?$|(^|_)hr$", NumberPrior("hours", 0, 72, "low")),
        (r"(^|_)days|_days?$|since_install|day_count|login_day|consecutive",
         NumberPrior("days", 0, 90, "low")),
        (r"(^|_)age$", NumberPrior("age", 13, 65, "tri", center=27)),
        (r"birth_year", NumberPrior("birth_year", 1960, 2011, "tri", center=1995)),
        (r"(^|_)year$", NumberPrior("year", 2015, 2025, "uniform")),
        (r"(^|_)(lat|latitude)$", NumberPrior("lat", -60, 70, "uniform", integer=False,
                                              decimals=6)),
        (r"(^|_)(lng|lon|longitude)$", NumberPrior("lng", -180, 180, "uniform", integer=False,
                                                   decimals=6)),
        (r"percent|pct|percentage|progress|completion|remaining_percentage|health_remaining",
         NumberPrior("percent", 0, 100, "beta22", integer=False, decimals=1)),
        (r"(^|_)(rate|ratio|probability|prob|chance|ctr|cvr)$|_rate$|_ratio$",
         NumberPrior("ratio", 0, 1, "beta22", integer=False, decimals=3)),
        (r"critical_damage|multiplier|factor|(^|_)coef", NumberPrior("multiplier", 1, 3, "low",
                                                                     integer=False)),
        (r"speed", NumberPrior("speed", 0.5, 3, "low", integer=False)),
        (r"(^|_)(vip|vip_level|vip_lv)$|vip_level", NumberPrior("vip", 0, 15, "low")),
        (r"(^|_)stars?$|_star$", NumberPrior("star", 1, 6, "low")),
        (r"(^|_)(tier|grade)$", NumberPrior("tier", 1, 10, "low")),
        (r"(^|_)(level|lv|lvl)$|_level$|level_|_lv$", NumberPrior("level", 1, 150, "low")),
        (r"(^|_)(rank|ranking|place)$|_rank$", NumberPrior("rank", 1, 10_000, "log")),
        (r"(^|_)(rating|stars_rating|review_score)$", NumberPrior("rating", 1, 5, "tri", center=5)),
        (r"(^|_)(mmr|elo)$", NumberPrior("mmr", 800, 2500, "tri", center=1200)),
        (r"(^|_)(step|guide_step|tutorial_step)$|_step$", NumberPrior("step", 1, 10, "low")),
        (r"(^|_)(position|index|idx|slot|order|seq|sequence|floor|chapter|wave|round|turn|"
         r"turns|turns_taken|position_number|banner_num)$",
         NumberPrior("position", 1, 20, "low")),
        (r"score|points?$|(^|_)(exp|xp|experience|trophy|trophies|reputation)$|_xp$|_exp$",
         NumberPrior("score", 0, 100_000, "log")),
        (r"power|(^|_)cp$|attack|(^|_)atk$|defen[cs]e|(^|_)def$|(^|_)hp|health|(^|_)mp$|"
         r"damage|(^|_)dps$|strength|(^|_)stat_",
         NumberPrior("stat", 10, 1_000_000, "log")),
        (r"stamina|energy|action_point|(^|_)ap$", NumberPrior("stamina", 0, 120, "low")),
        (r"gold|coin|gem|diamond|crystal|balance|(^|_)credit|token|(^|_)cash$|ruby|jewel|"
         r"(^|_)point_balance|after_num|before_num|_after$|_before$",
         NumberPrior("balance", 0, 100_000, "log")),
        (r"price|revenue|(^|_)pay|paid|spent|spend|income|(^|_)fee|(^|_)tax|shipping|order_amount|"
         r"order_actual|payment_amount|purchase_amount|trade_amount|deposit|"
         r"discount|subtotal|(^|_)total$|gmv|ltv|arpu|cost|earning|salary|budget|amount_usd|_usd$",
         NumberPrior("money", 0.5, 500, "lognormal", integer=False, decimals=2, center=9.99)),
        (r"(^|_)(total|cumulative|lifetime|accumulated|sum)_|_total$|_sum$",
         NumberPrior("total", 0, 1000, "log")),
        (r"count|(^|_)cnt|(^|_)num$|_num$|number_of|(^|_)times$|_times$|(^|_)qty$|quantity|"
         r"(^|_)amount$|_amount$|(^|_)size$|(^|_)n$|_n$|_number$",
         NumberPrior("count", 1, 5, "geom")),
        (r"(^|_)(width|screen_w)$", NumberPrior("width", 320, 2560, "uniform")),
        (r"(^|_)(height|screen_h)$", NumberPrior("height", 480, 3200, "uniform")),
        (r"(^|_)(value|val)$", NumberPrior("value", 1, 10_000, "log")),
    )
)

DEFAULT_NUMBER = NumberPrior("small", 1, 10, "low")
#: The default distribution of each number kind (``level`` → 1–150, skewed low).
PRIORS_BY_KIND = {prior.kind: prior for _, prior in reversed(_NUMBER_RULES)} | {
    DEFAULT_NUMBER.kind: DEFAULT_NUMBER}
NUMBER_KINDS = frozenset(PRIORS_BY_KIND)


def number_prior(name: str) -> NumberPrior:
    """The name's default numeric distribution (``level`` → 1–150 skewed low …)."""
    norm = normalize(leaf(name))
    for pattern, prior in _NUMBER_RULES:
        if pattern.search(norm):
            return prior
    return DEFAULT_NUMBER


def prior_of_kind(kind: str | None) -> NumberPrior:
    """The default distribution of a number kind (the small-number default if unknown)."""
    return PRIORS_BY_KIND.get(kind or "", DEFAULT_NUMBER)


#: Number kinds whose values are fractional (never rounded to integers).
FLOAT_KINDS = frozenset({"money", "percent", "ratio", "multiplier", "speed", "lat", "lng"})
#: Number kinds that are whole numbers even when a range is given with decimals.
INTEGER_KINDS = frozenset({
    "count", "level", "position", "step", "star", "tier", "vip", "rank", "days", "duration",
    "duration_ms", "stamina", "balance", "score", "stat", "age", "year", "birth_year",
    "rating", "mmr", "epoch", "epoch_ms", "width", "height", "minutes", "hours",
})
#: Words of money amounts (a "total" that is money keeps its decimals).
MONEY_WORDS = re.compile(r"amount|revenue|pay|spent|price|cost|value|usd|krw|money|income|gmv")

#: Name words of counters: start at 0 in a user's initial state.
COUNTER = re.compile(r"count|(^|_)cnt|(^|_)num|times|total|cumulative|lifetime|accumulated|"
                     r"(^|_)sum|spent|paid|revenue|days|amount|orders|purchases")
#: Name words of progress measures that start at 1 (level, stage, chapter).
PROGRESS = re.compile(r"(^|_)(level|lv|lvl|stage|chapter|floor|tier|star)(_|$)|_level$")
#: Enumerations whose first value is a natural starting state (plan: free, vip: lv1).
STATUS = re.compile(r"plan|vip|tier|grade|level|rank|status|state|membership|subscription|"
                    r"stage|progress|league")
