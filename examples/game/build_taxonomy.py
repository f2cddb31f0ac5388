"""Write ``taxonomy.xlsx`` for Rune Knights, a mobile RPG, in ThinkingData's workbook layout.

The tracking plan lives below as plain data. The workbook copies the layout of the Korean
templates published by ThinkingData Korea: four ``#`` sheets, Korean headers, one row per
event property, columns A-D merged over an event's rows, ``parent.child`` rows under object
and object-group properties.

    .venv/bin/python examples/game/build_taxonomy.py      # rewrites examples/game/taxonomy.xlsx
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

OUT = Path(__file__).with_name("taxonomy.xlsx")
STAMP = datetime(2024, 6, 1)  # fixed file dates: an unchanged plan rebuilds to identical bytes


@dataclass(frozen=True)
class Prop:
    name: str
    alias: str
    type: str
    desc: str = ""
    children: tuple[Prop, ...] = ()


@dataclass(frozen=True)
class Event:
    name: str
    alias: str
    desc: str
    tag: str
    props: tuple[Prop, ...] = ()


@dataclass(frozen=True)
class UserProp:
    name: str
    alias: str
    type: str
    update: str
    desc: str
    tag: str = ""


# --- properties shared by several events (one name, one type, one meaning) ------------------
# The plan below is laid out by hand like the sheet it becomes; keep the formatter off it.
# fmt: off

REWARD_ITEMS = Prop(
    "reward_items", "보상 목록", "object group",
    '지급된 보상 목록. 값 예시: [{"item_id":"gold","item_type":"gold","count":1200},'
    ' {"item_id":"hero_shard_101","item_type":"hero_shard","count":5}] (1~5개)',
    children=(
        Prop("reward_items.item_id", "보상 - 아이템 ID", "string",
             "예: gold, gem, exp, hero_shard_101, eq_sword_301, stamina_potion"),
        Prop("reward_items.item_type", "보상 - 유형", "string",
             "(Enum: gold, gem, exp, hero_shard, equipment, material, ticket)"),
        Prop("reward_items.count", "보상 - 수량", "number", "지급 수량 (1~10000)"),
    ),
)
STAGE_ID = Prop("stage_id", "스테이지 ID", "string",
                "챕터_스테이지 형식, stage_1_1부터 stage_20_10까지. 예: stage_1_1, stage_3_7")
CHAPTER = Prop("chapter", "챕터", "number", "스테이지가 속한 챕터 번호 (1~20)")
DIFFICULTY = Prop("difficulty", "난이도", "string",
                  "(Enum: normal, hard, hell) hard는 normal 클리어 후 해금")
PARTY_POWER = Prop("party_power", "파티 전투력", "number",
                   "출전한 영웅들의 전투력 합계 (500~500000). 레벨이 오를수록 증가")
LOGIN_METHOD_ENUM = "(Enum: guest, google, apple, kakao, line, facebook)"
PRODUCT_ID = Prop("product_id", "상품 ID", "string",
                  "상점 상품 ID. 예: gem_pack_60, gem_pack_300, gem_pack_980, starter_pack,"
                  " monthly_pass, growth_pack_lv30")
PRODUCT_TYPE = Prop("product_type", "상품 유형", "string",
                    "(Enum: gem_pack, package, pass, gold_pack)")
PRICE = Prop("price", "결제 금액", "number",
             "실제 화폐 결제 금액 (Amount paid in real money, in `currency`). 대부분 KRW"
             " 결제 (1200~119000). USD·JPY 결제는 같은 상품의 스토어 현지 가격")
CURRENCY = Prop("currency", "결제 통화", "string",
                "ISO 4217 통화 코드 (Enum: KRW, USD, JPY) 대부분 KRW")
PAYMENT_CHANNEL = Prop("payment_channel", "결제 채널", "string",
                       "(Enum: google_play, app_store, onestore)")
GOLD_AMOUNT = Prop("gold_amount", "골드 변동량", "number",
                   "이번에 획득/소모한 골드 수량, 양수 (10~50000)")
GOLD_BALANCE = Prop("gold_balance", "변동 후 골드", "number",
                    "변동 직후 보유 골드 (0~10000000). 유저 속성 gold와 같은 값")
GEM_AMOUNT = Prop("gem_amount", "젬 변동량", "number",
                  "이번에 획득/소모한 젬 수량, 양수 (1~6500)")
GEM_BALANCE = Prop("gem_balance", "변동 후 젬", "number",
                   "변동 직후 보유 젬 (0~100000). 유저 속성 gem과 같은 값")
EARN_REASON = Prop("earn_reason", "획득 경로", "string",
                   "(Enum: stage_clear, quest_reward, daily_reward, mail_reward, ad_reward,"
                   " achievement, purchase, offline_reward)")
SPEND_REASON = Prop("spend_reason", "사용처", "string",
                    "(Enum: hero_upgrade, equipment_enhance, shop_buy, skill_upgrade,"
                    " gacha_summon, stamina_refill)")
ARENA_TIER = Prop("arena_tier", "아레나 티어", "string",
                  "(Enum: bronze, silver, gold, platinum, diamond, master)")
GUILD_ID = Prop("guild_id", "길드 ID", "string", "예: g_10245")
MAIL_ID = Prop("mail_id", "우편 ID", "string", "예: mail_20240601_0001")
MAIL_TYPE = Prop("mail_type", "우편 유형", "string",
                 "(Enum: system, event, gift, compensation, guild)")
SESSION_ID = Prop("session_id", "세션 ID", "string",
                  "세션 고유 ID (UUID). 같은 세션의 session_start와 session_end가 같은 값")
STEP_NAME = Prop("step_name", "튜토리얼 단계 이름", "string",
                 "(Enum: move_and_attack, use_skill, equip_item, first_summon,"
                 " clear_first_stage)")
STEP_DURATION = Prop("step_duration", "단계 소요 시간(초)", "number",
                     "이전 단계 완료부터 이 단계 완료까지 걸린 시간 (5~300)")


def tutorial_step(n: int, alias: str, what: str) -> Event:
    return Event(
        f"tutorial_step{n}", f"튜토리얼 {n}단계", f"튜토리얼 {n}단계({what})를 완료했을 때"
        f" 기록됩니다. 단계는 1→5 순서로만 진행됩니다. (Tutorial step {n} of 5: {alias}.)",
        "튜토리얼", (STEP_NAME, STEP_DURATION),
    )


EVENTS: tuple[Event, ...] = (
    # 시스템 / 계정
    Event("app_install", "앱 설치", "설치 후 앱을 처음 실행할 때 디바이스당 1회만 기록됩니다."
          " 유저의 첫 이벤트입니다. (Once per device, on the first launch after install.)",
          "시스템", (
              Prop("install_store", "설치 스토어", "string",
                   "(Enum: google_play, app_store, onestore)"),
              Prop("media_source", "유입 매체", "string",
                   "(Enum: organic, google_ads, meta_ads, tiktok_ads, unity_ads,"
                   " apple_search_ads)"),
              Prop("campaign_name", "캠페인 이름", "string",
                   "광고 캠페인 이름 (organic이면 빈 값). 예: rk_launch_kr, rk_summer_jp"),
          )),
    Event("session_start", "세션 시작", "앱을 실행하거나 백그라운드에서 복귀할 때 기록되며"
          " 세션을 엽니다. (App opened or resumed; starts a session.)", "시스템", (
              SESSION_ID,
              Prop("is_first_session", "첫 세션 여부", "boolean",
                   "설치 후 첫 세션이면 true"),
              Prop("resume_from_background", "백그라운드 복귀 여부", "boolean",
                   "콜드 스타트면 false, 백그라운드에서 돌아왔으면 true"),
          )),
    Event("session_end", "세션 종료", "앱을 종료하거나 백그라운드로 보낼 때 기록되며 세션을"
          " 닫습니다. (App closed or backgrounded; ends the session.)", "시스템", (
              SESSION_ID,
              Prop("duration", "세션 시간(초)", "number",
                   "session_start부터 session_end까지의 시간, 초 단위 (10~7200)"),
          )),
    Event("signup", "계정 생성", "게스트 또는 소셜 계정으로 가입을 마쳤을 때 계정당 1회"
          " 기록됩니다. 이후 이벤트에는 #account_id가 붙습니다. (Account created.)", "계정", (
              Prop("signup_method", "가입 방식", "string", LOGIN_METHOD_ENUM),
              Prop("agreed_push", "푸시 수신 동의", "boolean", "가입 시 푸시 수신에 동의했는지"),
          )),
    Event("login", "로그인", "계정 로그인(자동 로그인 포함)에 성공할 때 기록됩니다."
          " signup 이후에만 발생합니다. (Successful login, after signup.)", "계정", (
              Prop("login_method", "로그인 방식", "string", LOGIN_METHOD_ENUM),
              Prop("is_first_login", "최초 로그인 여부", "boolean", "계정의 첫 로그인이면 true"),
              Prop("days_since_last_login", "마지막 로그인 후 경과일", "number",
                   "직전 로그인 이후 지난 일수 (0~365). 7일 이상이면 복귀 유저"),
          )),
    Event("logout", "로그아웃", "설정 화면에서 로그아웃하거나 계정을 전환할 때 기록됩니다.",
          "계정"),
    Event("create_character", "캐릭터 생성", "첫 캐릭터의 클래스와 닉네임을 정했을 때 1회"
          " 기록됩니다. 튜토리얼 시작 전 단계입니다.", "계정", (
              Prop("character_class", "캐릭터 클래스", "string",
                   "(Enum: knight, mage, archer, priest, rogue)"),
              Prop("nickname", "닉네임", "string", "2~12자. 예: 룬기사, DarkMage77"),
          )),
    # 튜토리얼
    tutorial_step(1, "move and attack", "이동과 기본 공격"),
    tutorial_step(2, "use a skill", "스킬 사용"),
    tutorial_step(3, "equip an item", "장비 장착"),
    tutorial_step(4, "first hero summon", "첫 영웅 소환"),
    tutorial_step(5, "clear the first stage", "첫 스테이지 클리어"),
    Event("tutorial_complete", "튜토리얼 완료", "tutorial_step5 직후 튜토리얼 전체를 마쳤을 때"
          " 1회 기록됩니다. 아레나·길드 등 주요 콘텐츠는 이 이후에 열립니다."
          " (Once, after tutorial_step5.)", "튜토리얼", (
              Prop("total_duration", "튜토리얼 총 소요 시간(초)", "number",
                   "첫 단계 시작부터 완료까지 (60~1800)"),
              Prop("is_skipped", "건너뛰기 여부", "boolean", "건너뛰기 버튼으로 완료했으면 true"),
          )),
    # 스테이지
    Event("stage_start", "스테이지 시작", "메인 스테이지 전투를 시작할 때 기록됩니다. 스태미나를"
          " 소모합니다. 뒤이어 stage_clear 또는 stage_fail이 같은 stage_id로 기록됩니다.",
          "스테이지", (
              STAGE_ID, CHAPTER, DIFFICULTY,
              Prop("party_hero_ids", "출전 영웅 ID 목록", "list",
                   "출전한 영웅 ID 목록 (1~5개). 예: hero_101, hero_205"),
              PARTY_POWER,
              Prop("stamina_cost", "소모 스태미나", "number", "(5~12) 챕터가 높을수록 큼"),
          )),
    Event("stage_clear", "스테이지 클리어", "stage_start 이후 전투에서 승리했을 때 기록됩니다."
          " 골드·경험치·아이템 보상을 받습니다. (Stage won.)", "스테이지", (
              STAGE_ID, CHAPTER, DIFFICULTY,
              Prop("clear_time", "클리어 시간(초)", "number", "전투 시작부터 승리까지 (20~600)"),
              Prop("star_rating", "별 등급", "number", "획득한 별 개수 (1~3)"),
              Prop("is_first_clear", "최초 클리어 여부", "boolean",
                   "이 stage_id를 처음 클리어했으면 true"),
              Prop("battle_stats", "전투 통계", "object",
                   '값 예시: {"damage_dealt":152000,"damage_taken":43000,"skills_used":12}',
                   children=(
                       Prop("battle_stats.damage_dealt", "전투 통계 - 가한 피해", "number",
                            "(1000~5000000)"),
                       Prop("battle_stats.damage_taken", "전투 통계 - 받은 피해", "number",
                            "(0~2000000)"),
                       Prop("battle_stats.skills_used", "전투 통계 - 스킬 사용 횟수", "number",
                            "(0~50)"),
                   )),
              REWARD_ITEMS,
          )),
    Event("stage_fail", "스테이지 실패", "stage_start 이후 전투에서 패배하거나 포기했을 때"
          " 기록됩니다. (Stage lost or abandoned.)", "스테이지", (
              STAGE_ID, CHAPTER, DIFFICULTY,
              Prop("fail_reason", "실패 사유", "string",
                   "(Enum: all_heroes_down, time_over, quit)"),
              Prop("play_time", "전투 시간(초)", "number", "실패까지 걸린 시간 (10~600)"),
          )),
    # 성장
    Event("level_up", "계정 레벨업", "스테이지 클리어나 퀘스트로 경험치가 차서 계정 레벨이"
          " 오를 때 기록됩니다. (Account level increased.)", "성장", (
              Prop("level", "레벨", "number", "레벨업 후 새 레벨 (2~150)"),
              Prop("previous_level", "이전 레벨", "number",
                   "레벨업 전 레벨 (1~149), 항상 level - 1"),
              Prop("unlocked_feature", "해금 콘텐츠", "string",
                   "이번 레벨에서 열린 콘텐츠 (Enum: none, arena, guild, daily_dungeon, raid)."
                   " arena는 Lv.10, guild는 Lv.15, daily_dungeon은 Lv.20, raid는 Lv.30"),
          )),
    Event("hero_upgrade", "영웅 강화", "영웅 레벨을 올릴 때 기록됩니다. 골드를 소모하며"
          " gold_spend(spend_reason=hero_upgrade)와 함께 발생합니다.", "성장", (
              Prop("hero_id", "영웅 ID", "string", "예: hero_101, hero_205, hero_330"),
              Prop("hero_rarity", "영웅 등급", "string", "(Enum: R, SR, SSR)"),
              Prop("hero_level", "강화 후 영웅 레벨", "number", "(2~150) 계정 레벨을 넘을 수 없음"),
              Prop("upgrade_cost_gold", "소모 골드", "number", "(100~200000)"),
          )),
    Event("equipment_enhance", "장비 강화", "장비 강화를 시도할 때 기록됩니다. 실패해도"
          " 기록되며 골드를 소모합니다.", "성장", (
              Prop("equipment_id", "장비 ID", "string", "예: eq_sword_301, eq_armor_112"),
              Prop("enhance_level", "목표 강화 단계", "number", "시도한 강화 단계 (1~15)"),
              Prop("is_success", "강화 성공 여부", "boolean",
                   "성공하면 true. 단계가 높을수록 성공 확률이 낮음"),
          )),
    # 재화
    Event("gold_earn", "골드 획득", "골드를 얻을 때마다 기록됩니다. (Gold earned.)", "재화",
          (GOLD_AMOUNT, EARN_REASON, GOLD_BALANCE)),
    Event("gold_spend", "골드 소모", "골드를 쓸 때마다 기록됩니다. 잔액보다 많이 쓸 수"
          " 없습니다. (Gold spent.)", "재화", (GOLD_AMOUNT, SPEND_REASON, GOLD_BALANCE)),
    Event("gem_earn", "젬 획득", "유료 재화인 젬을 얻을 때 기록됩니다. 결제(purchase) 직후에도"
          " earn_reason=purchase로 기록됩니다. (Gems earned.)", "재화",
          (GEM_AMOUNT, EARN_REASON, GEM_BALANCE)),
    Event("gem_spend", "젬 소모", "젬을 쓸 때 기록됩니다. 주로 뽑기와 스태미나 충전."
          " (Gems spent.)", "재화", (GEM_AMOUNT, SPEND_REASON, GEM_BALANCE)),
    # 상점 / 결제
    Event("shop_view", "상점 진입", "상점 화면을 열 때 기록됩니다. 결제 퍼널의 첫 단계"
          " (shop_view → product_view → purchase_start → purchase).", "상점/결제", (
              Prop("shop_tab", "상점 탭", "string",
                   "(Enum: featured, gem, package, gold, event)"),
              Prop("entry_point", "진입 경로", "string",
                   "(Enum: lobby, stage_fail_popup, out_of_gem_popup, push, event_banner)"),
          )),
    Event("product_view", "상품 상세 조회", "상점에서 상품 상세 팝업을 열 때 기록됩니다.",
          "상점/결제", (PRODUCT_ID, PRODUCT_TYPE, PRICE, CURRENCY)),
    Event("purchase_start", "결제 시작", "구매 버튼을 눌러 스토어 결제창을 띄울 때"
          " 기록됩니다. 이후 purchase 또는 purchase_fail이 기록됩니다.", "상점/결제",
          (PRODUCT_ID, PRODUCT_TYPE, PRICE, CURRENCY, PAYMENT_CHANNEL)),
    Event("purchase", "결제 완료", "인앱 결제가 성공하고 영수증 검증을 마쳤을 때 기록됩니다."
          " 실제 매출 이벤트입니다. (Real-money in-app purchase completed and verified.)",
          "상점/결제", (
              PRODUCT_ID, PRODUCT_TYPE, PRICE, CURRENCY,
              Prop("price_usd", "결제 금액(USD 환산)", "number",
                   "USD로 환산한 결제 금액 (0.99~99.99). 매출 분석 기준값"),
              Prop("order_id", "주문 ID", "string",
                   "스토어 주문 ID, 결제마다 고유. 예: GPA.3312-4455-1234-56789"),
              PAYMENT_CHANNEL,
              Prop("is_first_purchase", "첫 결제 여부", "boolean", "계정의 첫 결제면 true"),
              REWARD_ITEMS,
          )),
    Event("purchase_fail", "결제 실패", "purchase_start 이후 결제가 취소되거나 실패했을 때"
          " 기록됩니다.", "상점/결제", (
              PRODUCT_ID, PRICE, CURRENCY, PAYMENT_CHANNEL,
              Prop("error_code", "실패 코드", "string",
                   "(Enum: user_cancelled, payment_declined, network_error, store_unavailable,"
                   " receipt_invalid) 대부분 user_cancelled"),
          )),
    # 뽑기
    Event("gacha_summon", "영웅 소환", "영웅 뽑기(소환)를 실행할 때 기록됩니다. 젬 또는"
          " 소환권을 소모합니다. (Hero gacha pull.)", "뽑기", (
              Prop("banner_id", "배너 ID", "string", "예: banner_standard, banner_pickup_0601"),
              Prop("summon_type", "소환 방식", "string", "(Enum: single, multi_10)"),
              Prop("summon_count", "소환 횟수", "number", "(Enum: 1, 10) multi_10이면 10"),
              Prop("cost_type", "소모 재화", "string", "(Enum: gem, summon_ticket)"),
              Prop("cost_amount", "소모 수량", "number",
                   "소모한 젬 또는 소환권 수 (1~2700). 젬 단일 300, 젬 10연차 2700,"
                   " 소환권 1 또는 10"),
              Prop("summon_results", "소환 결과", "object group",
                   '값 예시: [{"hero_id":"hero_101","hero_rarity":"R","is_new":false}]'
                   " (summon_count개)",
                   children=(
                       Prop("summon_results.hero_id", "소환 결과 - 영웅 ID", "string",
                            "예: hero_101"),
                       Prop("summon_results.hero_rarity", "소환 결과 - 등급", "string",
                            "(Enum: R, SR, SSR) 확률 R 79%, SR 18%, SSR 3%"),
                       Prop("summon_results.is_new", "소환 결과 - 신규 여부", "boolean",
                            "처음 얻은 영웅이면 true"),
                   )),
          )),
    # PvP
    Event("arena_enter", "아레나 입장", "아레나(PvP) 대전을 시작할 때 기록됩니다."
          " tutorial_complete 이후, 계정 레벨 10부터 해금됩니다.", "PvP", (
              Prop("arena_season", "아레나 시즌", "string", "예: season_12"),
              ARENA_TIER, PARTY_POWER,
              Prop("opponent_power", "상대 전투력", "number",
                   "(500~500000) 보통 party_power의 ±20%"),
          )),
    Event("arena_result", "아레나 결과", "arena_enter 이후 대전이 끝났을 때 기록됩니다.",
          "PvP", (
              Prop("match_result", "대전 결과", "string", "(Enum: win, lose, draw)"),
              ARENA_TIER,
              Prop("rank_before", "대전 전 순위", "number", "(1~100000)"),
              Prop("rank_after", "대전 후 순위", "number", "(1~100000) 승리 시 작아짐"),
              Prop("arena_point_change", "아레나 점수 변동", "number",
                   "(-30~30) 승리 양수, 패배 음수"),
          )),
    # 길드
    Event("guild_join", "길드 가입", "길드에 가입하거나 새 길드를 만들 때 기록됩니다."
          " 계정 레벨 15부터 가능합니다.", "길드", (
              GUILD_ID,
              Prop("guild_level", "길드 레벨", "number", "(1~30)"),
              Prop("join_type", "가입 방식", "string", "(Enum: apply, invite, create)"),
          )),
    Event("guild_leave", "길드 탈퇴", "guild_join 이후 길드를 떠날 때 기록됩니다.", "길드", (
        GUILD_ID,
        Prop("leave_type", "탈퇴 유형", "string", "(Enum: leave, kicked, disbanded)"),
    )),
    # 보상 / 퀘스트 / 광고 / 우편
    Event("daily_reward_claim", "출석 보상 수령", "하루의 첫 접속 후 출석 보상을 받을 때"
          " 하루 1회 기록됩니다. (Daily login reward, once a day.)", "보상", (
              Prop("attendance_day", "출석 일차", "number", "28일 출석부의 일차 (1~28)"),
              Prop("consecutive_days", "연속 출석 일수", "number", "(1~365)"),
              REWARD_ITEMS,
          )),
    Event("quest_complete", "퀘스트 완료", "퀘스트 목표를 달성하고 보상을 받을 때"
          " 기록됩니다.", "보상", (
              Prop("quest_id", "퀘스트 ID", "string",
                   "예: main_1_5, daily_login, daily_stage_3, weekly_arena_5"),
              Prop("quest_type", "퀘스트 유형", "string",
                   "(Enum: main, daily, weekly, achievement)"),
              REWARD_ITEMS,
          )),
    Event("ad_watch", "보상형 광고 시청", "보상형 광고를 끝까지 보거나 중간에 닫았을 때"
          " 기록됩니다. (Rewarded video ad watched.)", "광고", (
              Prop("ad_placement", "광고 위치", "string",
                   "(Enum: stamina_refill, double_reward, free_gem, revive, offline_bonus)"),
              Prop("ad_network", "광고 네트워크", "string",
                   "(Enum: admob, applovin, unity_ads, ironsource)"),
              Prop("is_completed", "시청 완료 여부", "boolean", "끝까지 보고 보상을 받았으면 true"),
              Prop("ad_revenue_usd", "광고 수익(USD)", "number",
                   "노출 1회의 추정 광고 수익, USD (0.001~0.05)"),
          )),
    Event("mail_open", "우편 열람", "우편함에서 우편을 열 때 기록됩니다.", "우편", (
        MAIL_ID, MAIL_TYPE,
        Prop("has_attachment", "첨부 보상 여부", "boolean", "보상이 첨부된 우편이면 true"),
        Prop("expire_time", "만료 시각", "time",
             "우편 만료 시각 (yyyy-MM-dd HH:mm:ss). 보통 발송 후 7~30일"),
    )),
    Event("mail_reward_claim", "우편 보상 수령", "mail_open 이후 첨부 보상을 받을 때"
          " 기록됩니다.", "우편", (MAIL_ID, MAIL_TYPE, REWARD_ITEMS)),
    # 기타
    Event("vip_level_up", "VIP 레벨업", "누적 결제로 VIP 레벨이 오를 때 purchase 직후"
          " 기록됩니다.", "결제", (
              Prop("vip_level", "VIP 레벨", "number", "새 VIP 레벨 (1~15)"),
              Prop("vip_exp", "VIP 경험치", "number",
                   "누적 VIP 경험치 = 누적 결제 USD × 100 (99~1000000)"),
          )),
    Event("push_open", "푸시 열기", "푸시 알림을 눌러 앱을 열었을 때 기록됩니다.", "기타", (
        Prop("push_id", "푸시 ID", "string", "예: push_20240601_stamina"),
        Prop("push_type", "푸시 유형", "string",
             "(Enum: stamina_full, event_start, guild_raid, comeback, daily_reward)"),
    )),
    Event("settings_change", "설정 변경", "설정 화면에서 값을 바꿀 때 기록됩니다.", "기타", (
        Prop("setting_name", "설정 항목", "string",
             "(Enum: bgm_volume, sfx_volume, push_enabled, language, graphics_quality,"
             " auto_battle)"),
        Prop("setting_value", "변경 후 값", "string", "예: on, off, high, low, ko, en, 0.8"),
    )),
)

COMMON_PROPS: tuple[Prop, ...] = (
    Prop("server_id", "서버 ID", "string", "(Enum: kr_01, kr_02, jp_01, global_01)"),
    Prop("channel", "채널", "string", "앱을 받은 스토어 (Enum: google_play, app_store, onestore)"),
    Prop("language", "게임 언어", "string", "(Enum: ko, en, ja)"),
    Prop("cur_level", "현재 레벨", "number", "이벤트 시점의 계정 레벨 (1~150)"),
    Prop("cur_vip_level", "현재 VIP 레벨", "number", "이벤트 시점의 VIP 레벨 (0~15)"),
    Prop("cur_gold", "현재 골드", "number", "이벤트 시점의 보유 골드 (0~10000000)"),
    Prop("cur_gem", "현재 젬", "number", "이벤트 시점의 보유 젬 (0~100000)"),
    Prop("cur_combat_power", "현재 전투력", "number",
         "이벤트 시점의 최고 파티 전투력 (500~500000)"),
    Prop("cur_stage_id", "현재 스테이지", "string",
         "마지막으로 클리어한 메인 스테이지. 예: stage_3_7"),
)

USER_PROPS: tuple[UserProp, ...] = (
    UserProp("register_time", "가입 시각", "time", "user_setOnce",
             "signup 시각을 1회 기록 (yyyy-MM-dd HH:mm:ss)", "기본 정보"),
    UserProp("install_store", "설치 스토어", "string", "user_setOnce",
             "app_install 시 1회 기록 (Enum: google_play, app_store, onestore)", "기본 정보"),
    UserProp("character_class", "캐릭터 클래스", "string", "user_setOnce",
             "create_character 시 기록 (Enum: knight, mage, archer, priest, rogue)", "기본 정보"),
    UserProp("nickname", "닉네임", "string", "user_set",
             "create_character 시 설정하고 닉네임을 바꿀 때 덮어쓰기. 예: 룬기사", "기본 정보"),
    UserProp("last_login_time", "마지막 로그인 시각", "time", "user_set",
             "login 시각으로 매번 덮어쓰기", "활동"),
    UserProp("tutorial_completed", "튜토리얼 완료 여부", "boolean", "user_set",
             "가입 시 false, tutorial_complete 시 true", "활동"),
    UserProp("level", "계정 레벨", "number", "user_set",
             "level_up마다 새 레벨로 덮어쓰기 (1~150)", "성장"),
    UserProp("combat_power", "전투력", "number", "user_set",
             "최고 파티 전투력이 바뀔 때 덮어쓰기 (500~500000)", "성장"),
    UserProp("last_stage_id", "최종 클리어 스테이지", "string", "user_set",
             "새 메인 스테이지를 클리어할 때 그 stage_id로 덮어쓰기. 예: stage_3_7", "성장"),
    UserProp("owned_hero_ids", "보유 영웅 목록", "list", "user_uniq_append",
             "gacha_summon으로 새 영웅을 얻을 때 영웅 ID 추가. 예: hero_101", "성장"),
    UserProp("gold", "보유 골드", "number", "user_set",
             "gold_earn/gold_spend 후 gold_balance로 덮어쓰기 (0~10000000)", "재화"),
    UserProp("gem", "보유 젬", "number", "user_set",
             "gem_earn/gem_spend 후 gem_balance로 덮어쓰기 (0~100000)", "재화"),
    UserProp("total_pay_amount", "누적 결제 금액(USD)", "number", "user_add",
             "purchase마다 price_usd만큼 증가 (0~5000)", "결제"),
    UserProp("pay_count", "누적 결제 횟수", "number", "user_add",
             "purchase마다 1씩 증가 (0~300)", "결제"),
    UserProp("first_pay_time", "첫 결제 시각", "time", "user_setOnce",
             "첫 purchase 시각을 1회 기록", "결제"),
    UserProp("last_pay_time", "마지막 결제 시각", "time", "user_set",
             "purchase 시각으로 매번 덮어쓰기", "결제"),
    UserProp("vip_level", "VIP 레벨", "number", "user_set",
             "vip_level_up 시 덮어쓰기 (0~15)", "결제"),
    UserProp("total_gacha_count", "누적 소환 횟수", "number", "user_add",
             "gacha_summon마다 summon_count만큼 증가 (0~5000)", "활동"),
    UserProp("total_ad_watch_count", "누적 광고 시청 수", "number", "user_add",
             "ad_watch(is_completed=true)마다 1씩 증가 (0~2000)", "활동"),
    UserProp("guild_id", "소속 길드 ID", "string", "user_set",
             "guild_join 시 그 guild_id로 설정하고 guild_leave 시 빈 값으로 덮어쓰기."
             " 예: g_10245", "소셜"),
    UserProp("arena_tier", "아레나 티어", "string", "user_set",
             "arena_result 후 현재 티어로 덮어쓰기"
             " (Enum: bronze, silver, gold, platinum, diamond, master)", "소셜"),
)

# #유저 ID 체계: (account model, name, alias, description, how to fill, chosen?)
ID_MODELS = (
    ("단일 계정 단일 캐릭터", True),
    ("단일 계정 다수 캐릭터", False),
    ("계정 시스템 없음", False),
)
ACCOUNT_FILL = {
    "단일 계정 단일 캐릭터": "로그인 후 계정 ID를 설정합니다 (signup 이후 모든 이벤트).",
    "단일 계정 다수 캐릭터": "캐릭터 고유 ID를 설정합니다 (프로젝트 내에서 유일해야 함).",
    "계정 시스템 없음": "NULL",
}
DISTINCT_FILL = ("디바이스 관련 ID 또는 게스트 ID: 클라이언트 SDK를 사용하면 자동으로 생성되므로"
                 " 별도 관리가 필요하지 않습니다.")


# sheet -> (headers, column widths); header strings exactly as in the Korean templates
SHEETS = {
    "#유저 ID 체계": (["게임 유형", "속성 이름", "속성 별칭", "속성 설명", "값 설명", None],
                   [21, 16, 12, 14, 80, 20]),
    "#이벤트 데이터": (["이벤트 이름 (필수)", "이벤트 별칭", "이벤트 설명", "이벤트 태그",
                     "속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명"],
                    [24, 18, 52, 12, 34, 24, 16, 70]),
    "#공통 이벤트 속성": (["속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명"],
                      [30, 20, 16, 60]),
    "#유저 데이터": (["속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "업데이트 방식",
                   "속성 설명", "속성 태그"],
                  [26, 22, 16, 18, 56, 14]),
}
# fmt: on

# --- workbook styling (copied from the ThinkingData Korea templates) -------------------------

FONT = "Calibri"
HEADER_FONT = Font(name=FONT, size=10, bold=True, color="FFFFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="FF004BFF")
BODY_FONT = Font(name=FONT, size=10, color="FF000000")
NOTE_FONT = Font(name=FONT, size=10, bold=True, color="FFFF0000")
THIN = Side(style="thin", color="FFBFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CELL_ALIGN = Alignment(horizontal="left", vertical="center", wrap_text=True)


def write_sheet(wb: Workbook, title: str, rows: list[list]) -> Worksheet:
    headers, widths = SHEETS[title]
    ws = wb.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    ws.row_dimensions[1].height = 24
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(headers)):
        for cell in row:
            cell.border = BORDER
            cell.alignment = CELL_ALIGN
            cell.font = HEADER_FONT if cell.row == 1 else BODY_FONT
            if cell.row == 1:
                cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"
    return ws


def merge_down(ws: Worksheet, col: int, first: int, last: int) -> None:
    if last > first:
        ws.merge_cells(start_row=first, end_row=last, start_column=col, end_column=col)


def prop_rows(prop: Prop) -> list[list]:
    """The property's own row, then one row per ``parent.child``."""
    rows = [[prop.name, prop.alias, prop.type, prop.desc]]
    for child in prop.children:
        rows.extend(prop_rows(child))
    return rows


def build() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)

    rows = []
    for model, chosen in ID_MODELS:
        mark = "✅ 이 방식으로 진행" if chosen else None
        rows.append([model, "#account_id", "계정 ID", "시스템 속성", ACCOUNT_FILL[model], mark])
        rows.append([None, "#distinct_id", "게스트 ID", "시스템 속성", DISTINCT_FILL, None])
    ws = write_sheet(wb, "#유저 ID 체계", rows)
    for r in range(2, ws.max_row + 1, 2):
        merge_down(ws, 1, r, r + 1)
        merge_down(ws, 6, r, r + 1)
        ws.cell(r, 1).font = NOTE_FONT

    rows, spans = [], []
    for ev in EVENTS:
        body = [r for p in ev.props for r in prop_rows(p)] or [[None, None, None, None]]
        spans.append((len(rows) + 2, len(rows) + 1 + len(body)))
        rows.append([ev.name, ev.alias, ev.desc, ev.tag, *body[0]])
        rows.extend([None, None, None, None, *r] for r in body[1:])
    ws = write_sheet(wb, "#이벤트 데이터", rows)
    for first, last in spans:
        for col in range(1, 5):  # name, alias, description and tag span the event's rows
            merge_down(ws, col, first, last)

    write_sheet(wb, "#공통 이벤트 속성", [r for p in COMMON_PROPS for r in prop_rows(p)])

    rows = [[u.name, u.alias, u.type, u.update, u.desc, u.tag] for u in USER_PROPS]
    ws = write_sheet(wb, "#유저 데이터", rows)
    first = 2  # the templates merge the tag cell over each run of equal tags
    for r in range(3, ws.max_row + 2):
        if r > ws.max_row or ws.cell(r, 6).value != ws.cell(first, 6).value:
            merge_down(ws, 6, first, r - 1)
            first = r
    return wb


def save_reproducibly(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps (openpyxl stamps the save time into the file otherwise)."""
    wb.properties.created = STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    modified = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + modified, data)
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            dst.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    save_reproducibly(build(), OUT)
    print(f"wrote {OUT} ({len(EVENTS)} events)")
