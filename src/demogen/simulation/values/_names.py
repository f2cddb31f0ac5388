"""What a property's name says about its values; decided once per property at compile time.

Every function here runs while a :class:`~demogen.simulation.values.ValueFactory` is
built, never per event. Names are normalised first (``context.groupId`` →
``context_group_id``, ``nickName`` → ``nick_name``) and matched against ordered rules:
the first rule that matches wins, so specific rules come before general ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(name: str) -> str:
    """``context.groupId`` → ``context_group_id``; ``Total-Spent`` → ``total_spent``."""
    snake = _CAMEL.sub("_", name.strip().lstrip("#"))
    return _NON_WORD.sub("_", snake.lower()).strip("_")


def leaf(name: str) -> str:
    """The last part of a dotted name: ``rewards_info.quantity`` → ``quantity``."""
    return name.rsplit(".", 1)[-1]


def singular(word: str) -> str:
    """A rough English singular, good enough for id prefixes (``rewards`` → ``reward``)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# -- state mirrors -------------------------------------------------------------------------

_MIRROR_PREFIXES = ("tmp_", "temp_", "cur_", "current_", "now_", "my_", "player_", "user_",
                    "character_", "char_", "role_", "account_", "after_", "new_", "latest_")
_MIRROR_SUFFIXES = ("_balance", "_now", "_current", "_after", "_total_now")
_MIRROR_ALIASES = {"lv": "level", "lvl": "level", "exp": "xp", "gems": "gem", "coins": "coin",
                   "diamonds": "diamond", "nickname": "nick_name", "nick": "nick_name"}


def mirror_key(name: str) -> str:
    """A canonical key under which an event property and a user property are "the same".

    ``player_level``, ``current_player_level``, ``tmp_level`` and ``level`` all give
    ``level``; ``current_gold_balance`` and ``tmp_gold`` give ``gold``. Words that mean
    a *different* moment (``previous_``, ``before_``) are kept, so ``level_before`` does
    not mirror ``level``.
    """
    key = normalize(name)
    changed = True
    while changed:
        changed = False
        for prefix in _MIRROR_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix):]
                changed = True
        for suffix in _MIRROR_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return _MIRROR_ALIASES.get(key, key)


# -- device-derived properties -------------------------------------------------------------

#: (pattern on the normalised name, device attribute). The attribute names are read by
#: ``_factory._device_getter``.
_DEVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), attr) for p, attr in (
        (r"(^|_)os_version$|(^|_)system_version$", "os_version"),
        (r"(^|_)(os|os_name|platform|device_os|operating_system|device_platform|os_type)$", "os"),
        (r"(^|_)device_type$", "device_type"),
        (r"(^|_)(device_model|model|device_name|phone_model)$", "device_model"),
        (r"(^|_)(manufacturer|device_brand|device_manufacturer)$", "manufacturer"),
        (r"(^|_)(carrier|telecom|mobile_operator|operator|isp)$", "carrier"),
        (r"(^|_)(country|country_code|nation|region_code|country_iso)$", "country"),
        (r"(^|_)(locale|device_locale|user_locale)$", "locale"),
        (r"(^|_)(language|lang|system_language|device_language|user_language)$", "language"),
        (r"(^|_)(currency|currency_code|currency_type|currency_local|local_currency|"
         r"currency_id_local|iso_currency)$", "currency"),
        (r"^(app_version|client_version|version|app_ver|application_version|build_version|"
         r"context_app_version|game_version|sdk_app_version)$", "app_version"),
        (r"(^|_)(ip|ip_address|client_ip|ipv4)$", "ip"),
        (r"(^|_)(zone_offset|timezone|time_zone|tz|utc_offset)$", "zone_offset"),
        (r"(^|_)(device_id|idfv|android_id|device_uuid)$", "device_id"),
        (r"(^|_)distinct_id$", "distinct_id"),
        (r"(^|_)screen_width$", "screen_width"),
        (r"(^|_)screen_height$", "screen_height"),
        (r"(^|_)(browser|browser_name)$", "browser"),
        (r"(^|_)browser_version$", "browser_version"),
    )
)


def device_attribute(name: str) -> str | None:
    """The device attribute a property reports (``context.os.name`` → ``os``), if any."""
    norm = normalize(name)
    if "virtual" in norm or norm.startswith(("previous_", "prev_", "old_", "before_")):
        return None
    for pattern, attr in _DEVICE_RULES:
        if pattern.search(norm):
            return attr
    return None


# -- ids -----------------------------------------------------------------------------------

_ID_SUFFIX = re.compile(r"(^|_)(id|ids|uuid|guid|no|sn|code_id)$|_(id|ids)_")
_SKU = frozenset({"sku", "item_sku", "product_sku", "sku_code", "barcode", "ean", "upc"})

#: Ids of the user's own things: the same value every time for one user.
_USER_STABLE = frozenset({
    "account", "user", "uid", "player", "member", "customer", "open", "union", "role",
    "character", "char", "avatar", "profile", "guild", "clan", "group", "team", "alliance",
    "server", "realm", "workspace", "org", "organization", "company", "tenant", "family",
    "advertising", "idfa", "gaid", "adid", "install", "advertising_vendor", "client",
    "subscriber", "subscription", "home", "channel_user", "context_group",
})
#: Ids that are new for every event (a transaction, a request, a battle).
_UNIQUE = frozenset({
    "transaction", "order", "payment", "invoice", "receipt", "request", "trace", "event",
    "log", "message", "msg", "battle", "combat", "match", "game", "round", "session",
    "checkout", "review", "share", "application", "transportation", "tracking", "shipment",
    "ticket", "call", "chat", "report", "export", "upload", "download", "purchase",
    "refund", "store_transaction", "transaction_id_store", "ad_request", "impression",
    "click", "run", "attempt", "draw", "gacha_result", "mail", "email_message",
})
#: Ids of a few things a user owns and reuses (their projects, carts, wishlists).
_USER_SCOPED = frozenset({
    "project", "board", "wishlist", "cart", "address", "deck", "pet", "party", "formation",
    "folder", "document", "list_user", "playlist", "card_payment",
})


@dataclass(frozen=True, slots=True)
class IdSpec:
    """How an id-like property is filled."""

    stem: str   # "item" for item_id
    mode: str   # "stable" | "unique" | "scoped" | "catalogue"


def id_spec(name: str, *, parent: str | None = None, industry: str = "") -> IdSpec | None:
    """The id shape of ``name``, or None if the name is not id-like."""
    norm = normalize(leaf(name))
    if norm in _SKU:
        return IdSpec(stem="sku", mode="catalogue")
    m = _ID_SUFFIX.search(norm)
    if not m and not norm.startswith(("idfa", "gaid", "adid")):
        return None
    stem = norm[: m.start()] if m else norm
    stem = stem.strip("_")
    for noise in ("tmp_", "current_", "cur_", "my_", "target_", "the_"):
        if stem.startswith(noise):
            stem = stem[len(noise):]
    if not stem:  # a bare "id": name it after the parent ("rewards_info.id" -> "reward")
        stem = singular(normalize(leaf(parent)).split("_")[0]) if parent else "id"
    last = stem.rsplit("_", 1)[-1]
    gaming = "gam" in industry
    if stem in _USER_STABLE or last in _USER_STABLE or norm.startswith(("idfa", "gaid", "adid")):
        mode = "stable"
    elif stem in _UNIQUE or last in _UNIQUE:
        mode = "unique"
    elif stem in _USER_SCOPED or last in _USER_SCOPED:
        mode = "scoped"
    elif last in ("task", "job", "step_run") and not gaming:
        mode = "unique"
    else:
        mode = "catalogue"
    return IdSpec(stem=stem, mode=mode)


# -- strings -------------------------------------------------------------------------------

#: (pattern on the normalised name, string kind); first match wins.
_STRING_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), kind) for p, kind in (
        (r"(mail|email)_(subject|title)$|(^|_)subject$", "mail_subject"),
        (r"(mail|email)_(content|body|text)$", "message"),
        (r"(^|_)e_?mail(_address)?$|(^|_)email$", "email"),
        (r"(^|_)(phone|mobile|tel|telephone|cellphone|phone_number|mobile_number|"
         r"tel_number|contact_number)$", "phone"),
        (r"(^|_)(first_name|given_name|firstname)$", "first_name"),
        (r"(^|_)(last_name|family_name|surname|lastname)$", "last_name"),
        (r"(^|_)(username|user_name|login_name|login_id|handle|screen_name_user)$", "username"),
        (r"(^|_)(nick_name|nickname|nick|player_name|character_name|char_name|role_name|"
         r"tmp_name|game_name|display_name|avatar_name)$", "nickname"),
        (r"(customer|receiver|recipient|real|full|contact|buyer|owner|person|employee|"
         r"student|patient|driver|invitee|sender|shipping|billing|card_holder)_?name$",
         "full_name"),
        (r"^(name|full_name|real_name|recipient)$", "full_name"),
        (r"(^|_)(company|company_name|organization|organisation|org_name|employer|"
         r"account_name|workspace|workspace_name|business_name|team_name)$", "company"),
        (r"(^|_)(job|job_title|occupation|profession|title)$", "job"),
        (r"(^|_)(street|street_address)$", "street"),
        (r"(^|_)(address|addr|receiver_address|shipping_address|billing_address|home_address)$",
         "address"),
        (r"(^|_)(city|town|receiver_city|shipping_city)$", "city"),
        (r"(^|_)(province|prefecture|region|county|district|area|receiver_province)$"
         r"|(receiver|shipping|billing|home)_state$", "province"),
        (r"(^|_)(postcode|postal_code|zip|zip_code|zipcode)$", "postcode"),
        (r"(^|_)(image_url|img_url|image|thumbnail|thumbnail_url|avatar|avatar_url|icon_url|"
         r"picture|photo|photo_url|cover_url)$", "image_url"),
        (r"(^|_)(referring_application|referring_app|source_app|from_app)$", "referring_app"),
        (r"(^|_)(referrer|referer|referrer_url|referrer_host|ref_url)$", "referrer"),
        (r"(^|_)(path|page_path|url_path|route)$", "page_path"),
        (r"(^|_)(url|link|website|homepage|deep_link|deeplink|href|uri|landing_page|page_url)$",
         "url"),
        (r"(^|_)(domain|host|hostname)$", "domain"),
        (r"(^|_)(user_agent|ua)$", "user_agent"),
        (r"(^|_)(colou?r|variant|colou?r_name)$", "color"),
        (r"(^|_)size$", "size"),
        (r"(^|_)(build|build_number|build_no|build_code)$", "build"),
        (r"os_version$|system_version$", "os_version"),
        (r"version$", "version"),
        (r"(^|_)(uuid|guid|token|hash|signature|nonce|receipt|checksum)$", "hex"),
        (r"(^|_)(reason|fail_reason|error|error_code|error_message|error_reason|failure_reason|"
         r"cancel_reason|status_message|decline_reason)$", "reason"),
        (r"(^|_)(coupon|coupon_code|promo|promo_code|promotion_code|voucher|code|redeem_code|"
         r"gift_code|invite_code|referral_code|exchange_code)$", "coupon"),
        (r"(^|_)(media_source|install_source|attribution_source|af_media_source)$", "media_source"),
        (r"(^|_)(campaign|campaign_name|utm_campaign|ad_campaign|ad_set|adset|ad_set_name|"
         r"ad_name|creative|ad_group)$", "campaign"),
        (r"(^|_)(channel|utm_source|source|medium|utm_medium|acquisition_channel|store|"
         r"ad_network|mediation|ad_source|ad_platform|network_name|install_channel)$", "channel"),
        (r"(^|_)(ad_unit|ad_unit_name|ad_unit_id_name)$", "ad_unit"),
        (r"(^|_)(placement|ad_placement|ad_positon|ad_position|entry_point|"
         r"ad_location|ad_slot)$", "ad_placement"),
        (r"(^|_)(screen|screen_name|page|page_name|scene|view|view_name|tab|menu|entrance|"
         r"screen_class|activity_name_ui|location|from_page|source_page)$", "screen"),
        (r"(^|_)(result|status|state|outcome)$", "result"),
        (r"(^|_)(review|review_body|review_text|feedback|comment|comments|review_content)$",
         "review"),
        (r"(^|_)(message|chat|chat_content|content|text|body|note|notes|share_message|"
         r"description|memo|bio|greeting)$", "message"),
        (r"(^|_)(query|keyword|key_word|search|search_term|search_query|search_keyword|term|"
         r"search_word)$", "search_term"),
        (r"(^|_)(tag|tags|label|hashtag)$", "word"),
        (r"(^|_)(brand|brand_name|maker)$", "brand"),
        (r"(^|_)(product_name|commodity_name|goods_name|sku_name|item_title|product_title|"
         r"merchandise_name)$", "product_name"),
        (r"(^|_)(payment_name|package_name|pack_name|offer_name|bundle_name|iap_name|"
         r"iap_product_name|shop_item_name)$", "consumable"),
        (r"(^|_)(category|product_category|item_category|commodity_type|product_type|genre|"
         r"category_name)$", "category"),
        (r"(^|_)(item_name|reward_name|prize_name|gift_name|equipment_name|weapon_name|"
         r"card_name|unit_name|resource_name|currency_name)$", "item_name"),
        (r"(^|_)(level_name|stage_name|map_name|dungeon_name|world_name|chapter_name|"
         r"mission_name|stage)$", "level_name"),
        (r"(^|_)(character|hero|hero_name|champion|pet_name|companion)$", "hero"),
        (r"(^|_)(class|job_class|role_class|character_class)$", "class"),
        (r"(^|_)(guild|guild_name|clan|clan_name|alliance|alliance_name|squad|tmp_guild)$",
         "guild_name"),
        (r"(^|_)(achievement|achievement_name|badge|badge_name|trophy_name)$", "achievement"),
        (r"(^|_)(quest|quest_name|mission|task_name_game)$", "quest"),
        (r"(^|_)(task|task_name|todo|issue_title)$", "task"),
        (r"(^|_)(shop|shop_name|store_name|mall)$", "shop"),
        (r"(^|_)(skill|skill_name|spell|ability)$", "skill"),
        (r"(^|_)(activity|activity_name|live_event|festival|season_name|promotion|"
         r"promotion_name|sale_name|banner_name|event_title)$", "live_event"),
        (r"(^|_)(project|project_name|board_name|document_name|file_name|report_name|"
         r"dashboard_name|space_name)$", "project"),
        (r"(^|_)(grade|rarity|quality)$", "grade"),
        (r"(^|_)(tier|league|division|rank_tier|membership|membership_level)$", "tier"),
        (r"(^|_)(difficulty|mode|game_mode|difficulty_level)$", "difficulty"),
        (r"(^|_)(vip|vip_level|vip_grade)$", "vip"),
        (r"(^|_)(gender|sex)$", "gender"),
        (r"(^|_)(birthday|birth_date|dob|birthdate|date_of_birth)$", "birthday"),
        (r"(^|_)(date|day|dt)$", "date"),
        (r"(^|_)(network_type|network|connection_type|net_type)$", "network"),
    )
)

#: Fallback hints from the (English or Korean) description of an ambiguous name.
_DESCRIPTION_HINTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), kind) for p, kind in (
        (r"product|상품|commodity", "product_name"),
        (r"promotion|banner|campaign", "live_event"),
        (r"nick|닉네임|character|캐릭터|player|플레이어", "nickname"),
        (r"job|title of the user|직함|직업", "job"),
        (r"item|아이템", "item_name"),
    )
)

_AMBIGUOUS = frozenset({"name", "title", "label", "value", "type", "text"})


def string_kind(name: str, description: str = "") -> str:
    """The kind of string ``name`` holds (``email``, ``city``, ``item_name`` …) or ``generic``."""
    norm = normalize(name)
    if norm in _AMBIGUOUS and description:
        for pattern, kind in _DESCRIPTION_HINTS:
            if pattern.search(description):
                return kind
    for pattern, kind in _STRING_RULES:
        if pattern.search(norm):
            return kind
    if norm.endswith(("_type", "_kind", "_category", "_mode", "_method", "_way", "_class")):
        return "category_code"
    return "generic"


# -- booleans ------------------------------------------------------------------------------

_BOOL_RULES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), prob) for p, prob in (
        (r"first|is_new|(^|_)new$|newbie|initial", 0.15),
        (r"fail|error|crash|(^|_)bot$|is_bot|test|cheat|simulator|refund|cancel|ban|fraud|"
         r"jailbreak|root|spam|abuse|is_initiative", 0.08),
        (r"success|succeed|passed|(^|_)win|won|victory|complete|clear|valid|verified|"
         r"is_ok|accepted|approved", 0.75),
        (r"from_background|resume|return", 0.6),
        (r"opt_in|optin|push|consent|agree|notification|subscribed|allow", 0.65),
        (r"boost|revive|use_|used|is_use|skip|auto|double", 0.3),
        (r"payer|paid|premium|vip|member", 0.1),
        (r"(^|_)(is|has|can|enable|enabled|with)_", 0.6),
    )
)


def boolean_probability(name: str, default: float = 0.5) -> float:
    """The chance of ``true`` for a boolean without other information."""
    norm = normalize(leaf(name))
    for pattern, prob in _BOOL_RULES:
        if pattern.search(norm):
            return prob
    return default


# -- times ---------------------------------------------------------------------------------

_TIME_PAST = re.compile(
    r"regist|sign_?up|created|create_time|creation|install|(^|_)first_|birth|join|"
    r"(^|_)last_|previous|prev_|since|send_time|sent|opened_at|acquired|bound|"
    r"(^|_)from$|begin"
)
_TIME_FUTURE = re.compile(r"(^|_)(end|expire|expiry|expiration|expires|deadline|due|until|"
                          r"valid_to|valid_until|renewal|next)(_|$)|_end_|trial_end")
_TIME_FIRST = re.compile(r"regist|sign_?up|created|creation|install|(^|_)first_|join|acquired")


def time_kind(name: str) -> str:
    """``now`` (the event time), ``past``, ``long_past`` (registration, first-x), ``future``
    or ``birthday``."""
    norm = normalize(leaf(name))
    if re.search(r"birth|(^|_)dob$", norm):
        return "birthday"
    if _TIME_FUTURE.search(norm):
        return "future"
    if _TIME_FIRST.search(norm):
        return "long_past"
    if _TIME_PAST.search(norm):
        return "past"
    return "now"


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


def number_prior(name: str) -> NumberPrior:
    """The name's default numeric distribution (``level`` → 1–150 skewed low …)."""
    norm = normalize(leaf(name))
    for pattern, prior in _NUMBER_RULES:
        if pattern.search(norm):
            return prior
    return DEFAULT_NUMBER


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
