"""Write a small ThinkingData-layout tracking plan: Jelly Harbor, a casual puzzle game.

The workbook is written by the tests (``write_te_plan(folder)``) rather than kept as a
binary. It copies what the Korean templates of ThinkingData Korea look like in the wild
(see the workbooks of the shared corpus), quirks included:

- the ``#`` sheets with Korean headers, plus ``#유저 ID 체계`` and ``테이블 이해하기``, which
  are read and ignored; ``속성 이름(필수)`` without the space on the user sheet;
- one row per event property, the event's cells (A-D) merged over its rows, and one
  description and tag merged over the three SDK events ``ta_app_*`` (which get a warning
  for their ``ta_`` prefix);
- capitalised type words (``String``, ``Object Group``), ``parent.child`` rows under an
  object group, a preset property (``#duration``);
- ``stage_id`` defined on two events, typed alike, described only on the first;
- ``user_setOnce`` as the workbooks spell it, and Korean descriptions holding the value
  hints the reader understands: ``(1~5)``, ``(Enum: …)``, ``예: …``, ``[0,500000]``.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import (
    TE_HEADER,
    Sheets,
    event_block_merges,
    property_row,
    write_workbook_plan,
)

PRODUCT = {
    "industry": "game",
    "platform": "mobile_app",
    "product_name": "Jelly Harbor",
    "description": "Casual match-3 puzzle game for iOS and Android in Korea: 300 stages, "
                   "boosters, rewarded ads and coin packs from 1,200 to 55,000 KRW.",
}

_SDK = "클라이언트 SDK 활성화 시 자동 수집"
_LOGIN_TYPES = "(Enum: guest, google, apple, kakao)"


# The plan as the sheet lays it out; keep the formatter off it.
# fmt: off
EVENT_ROWS: list[tuple] = [
    TE_HEADER,
    ("ta_app_install", "APP 설치", _SDK, "시스템", None, None, None, None),
    ("ta_app_start", "APP 실행", None, None, None, None, None, None),
    ("ta_app_end", "APP 종료", None, None, "#duration", "접속 시간", "Number", "앱 사용 시간(초)"),
    ("register", "계정 등록", "신규 계정 생성 시 전송 (계정당 1회)", "계정",
     "register_type", "가입 방식", "String", _LOGIN_TYPES),
    ("login", "계정 로그인", "로그인할 때마다 전송", "계정",
     "login_type", "로그인 방식", "String", _LOGIN_TYPES),
    ("tutorial_step", "튜토리얼 단계 완료", "튜토리얼 각 단계를 완료할 때마다 전송", "튜토리얼",
     "step_id", "단계 번호", "Number", "튜토리얼 단계 (1~5)"),
    property_row("step_name", "단계 이름", "String", "예: swap, combo, booster, hint, map"),
    ("stage_start", "스테이지 시작", "스테이지에 입장할 때 전송", "스테이지",
     "stage_id", "스테이지 번호", "Number", "스테이지 번호 (1~300)"),
    property_row("stage_mode", "모드", "String", "(Enum: normal, hard, event)"),
    property_row("boosters", "사용한 부스터", "List", "예: hammer, shuffle, color_bomb"),
    ("stage_end", "스테이지 종료", "스테이지 클리어, 실패 또는 포기 시 전송", "스테이지",
     "stage_id", "스테이지 번호", "Number", None),
    property_row("result", "결과", "String", "(Enum: clear, fail, quit)"),
    property_row("score", "점수", "Number", "획득 점수 [0,500000]"),
    property_row("moves_left", "남은 이동 횟수", "Number", "(0~30)"),
    property_row("rewards", "보상 목록", "Object Group",
          '값 예시: [{"item_id":"coin","count":120}]'),
    property_row("rewards.item_id", "보상 아이템 ID", "String", "예: coin, heart, hammer"),
    property_row("rewards.count", "보상 수량", "Number", "(1~500)"),
    ("payment", "결제 성공", "인앱 결제 성공 시 전송", "결제",
     "order_id", "주문 ID", "String", None),
    property_row("product_id", "상품 ID", "String",
          "예: coin_pack_s, coin_pack_l, no_ads, season_pass"),
    property_row("pay_amount", "결제 금액", "Number", "결제 금액, 원 (1200~55000)"),
    property_row("currency_type", "결제 통화", "String", "(Enum: KRW)"),
    ("ad_reward", "보상형 광고 시청 완료", "보상형 광고를 끝까지 시청했을 때 전송", "광고",
     "ad_placement", "광고 위치", "String", "(Enum: extra_moves, daily_bonus, revive)"),
]

COMMON_ROWS: list[tuple] = [
    ("속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명"),
    ("channel", "채널", "String", "설치 채널 (예: google_play, app_store, onestore)"),
    ("tmp_level", "현재 레벨", "Number", "이벤트 발생 시점의 최고 스테이지 (1~300)"),
    ("tmp_coin", "현재 코인", "Number", "이벤트 발생 시점의 보유 코인 (0~99999)"),
    ("ab_group", "A/B 테스트 그룹", "String", "(Enum: A, B)"),
]

USER_ROWS: list[tuple] = [
    ("속성 이름(필수)", "속성 별칭", "속성 유형 (필수)", "업데이트 방식", "속성 설명"),
    ("first_channel", "최초 채널", "String", "user_setOnce", "최초 설치 채널"),
    ("register_time", "가입 시간", "Time", "user_setOnce", "계정 생성 시 기록"),
    ("first_pay_time", "첫 결제 시간", "Time", "user_setOnce", "첫 결제 시 기록"),
    ("current_stage", "현재 스테이지", "Number", "user_set", "클리어한 최고 스테이지 (1~300)"),
    ("coin", "보유 코인", "Number", "user_set", "현재 보유 코인 (0~99999)"),
    ("total_pay_amount", "누적 결제 금액", "Number", "user_add", "결제 시마다 결제 금액만큼 증가"),
    ("ad_watch_count", "광고 시청 횟수", "Number", "user_add", "보상형 광고 시청 시 1씩 증가"),
]

ID_ROWS: list[tuple] = [
    ("게임 유형", "속성 이름", "속성 별칭", "속성 설명"),
    ("단일 계정", "#account_id", "계정 ID", "플레이어의 계정 ID"),
    (None, "#distinct_id", "게스트 ID", "디바이스 ID (SDK 자동 수집)"),
]

TEACHING_ROWS: list[tuple] = [
    (None,),
    (None, '유저 테이블은 "누가", 이벤트 테이블은 "언제, 무엇을"에 대한 정보입니다.'),
]
# fmt: on


def write_te_plan(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder`` (made if needed); return
    the folder, which ``demogen`` reads as the plan."""
    sheets: Sheets = {"테이블 이해하기": TEACHING_ROWS, "#유저 ID 체계": ID_ROWS,
                      "#이벤트 데이터": EVENT_ROWS, "#공통 이벤트 속성": COMMON_ROWS,
                      "#유저 데이터": USER_ROWS}
    # C and D also merged over the three SDK events, which share a description and a tag.
    merges = {"테이블 이해하기": ["B2:E2"], "#유저 ID 체계": ["A2:A3"],
              "#이벤트 데이터": ["C2:C4", "D2:D4", *event_block_merges(EVENT_ROWS)]}
    return write_workbook_plan(folder, sheets, PRODUCT, merges)
