"""What a property's name says about the kind of string, boolean or time it holds.

Decided once per property while samplers are compiled, never per event. Names are
normalised first (see :func:`~demogen.analysis.heuristic.values.names.normalize`) and matched
against ordered rules: the first rule that matches wins, so specific rules come first.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic.values.names import leaf, normalize

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

#: Every string kind :func:`string_kind` can answer.
STRING_KINDS = frozenset({kind for _, kind in (*_STRING_RULES, *_DESCRIPTION_HINTS)}
                         | {"generic", "category_code"})

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

#: Every kind :func:`time_kind` can answer.
TIME_KINDS = frozenset({"now", "past", "long_past", "future", "birthday"})

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
