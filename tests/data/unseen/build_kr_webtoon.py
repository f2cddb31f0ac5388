"""Write an unseen plan: 툰나무, a Korean webtoon / web-novel app in a ThinkingData workbook.

A plan in the shape a Korean content app hands over (like KakaoPage or Naver Series): Korean
headers, display names and descriptions; enumerations written as codes with labels
(``1:웹툰,2:웹소설``); series and their episodes viewed and read (``series_id``,
``episode_no``, ``is_free``, ``read_progress``, ``read_seconds``), wait-for-free
(기다리면 무료) with the next free time, rental tickets with an expiry, coins charged in
KRW packs (``coin_100`` … ``coin_10000``) with a first-payment flag and spent with the
balance after, favourites added and removed, comments, likes, push opens, a daily
check-in and rewarded ads. User properties set, set once and added to. Quirks as found in
the wild: event cells merged over their property rows, blank rows between groups, a
``비고`` note column beside the description, a property typed two ways (``series_id`` a
string on most events, a number on the favourites), and a note row at the foot of the
event sheet. Written by the tests (``write_kr_webtoon(folder)``), never kept as a binary.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import Sheets, spaced_block_merges, write_workbook_plan

PRODUCT = {
    "industry": "media",
    "platform": "mobile_app",
    "product_name": "툰나무",
    "description": "한국 사용자를 위한 웹툰·웹소설 플랫폼 앱. 작품을 조회하고 회차를 열람하며, "
                   "기다리면 무료와 대여 이용권, 코인 충전(100코인 1,000원 ~ 10,000코인 "
                   "100,000원)으로 유료 회차를 봅니다.",
}

HEADER = ("이벤트 이름 (필수)", "이벤트 별칭", "이벤트 설명", "이벤트 태그",
          "속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명", "비고")
BLANK: tuple = (None,) * len(HEADER)

_SDK = "클라이언트 SDK 활성화 시 자동 수집"
_CONTENT = "1:웹툰,2:웹소설"
_GENRE = "1:로맨스,2:로맨스판타지,3:판타지,4:무협,5:드라마,6:액션,7:BL,8:스릴러"


def row(*cells: str | None) -> tuple:
    """A further property row of the event above (A-D blank: merged in the workbook); the
    비고 column is blank unless given."""
    return (None, None, None, None, *cells, *(None,) * (5 - len(cells)))


# fmt: off
EVENT_ROWS: list[tuple] = [
    HEADER,
    ("ta_app_install", "APP 설치", _SDK, "기본 데이터", None, None, None, None, None),
    ("ta_app_start", "APP 실행", _SDK, "기본 데이터", None, None, None, None, None),
    ("ta_app_end", "APP 종료", _SDK, "기본 데이터", "#duration", "접속 시간", "number",
     "이번 접속 시간(초)", None),
    BLANK,
    ("sign_up", "회원가입", "회원가입 완료 시 전송, 계정당 1회", "가입 및 로그인",
     "signup_method", "가입 방식", "string", "(Enum: 카카오, 네이버, 애플, 이메일)", None),
    row("is_adult_verified", "성인인증 여부", "boolean", "가입 시 본인인증으로 성인 확인"),
    ("login", "로그인", "로그인 성공 시 전송", "가입 및 로그인",
     "login_method", "로그인 방식", "string", "(Enum: 카카오, 네이버, 애플, 이메일)", None),
    ("adult_verify", "성인인증", "본인인증으로 성인인증 완료 시 전송", "가입 및 로그인",
     "verify_method", "인증 방식", "string", "(Enum: PASS, 휴대폰, 카카오인증서)", None),
    BLANK,
    ("home_view", "홈 화면 조회", "홈 탭 진입 시 전송", "탐색",
     "tab_name", "탭 이름", "string", "(Enum: 웹툰, 웹소설, 기다무, 랭킹)", None),
    ("search", "검색", "검색어 입력 후 검색 실행 시 전송", "탐색",
     "keyword", "검색어", "string", "예: 나 혼자만 레벨업, 재혼 황후", None),
    row("result_count", "검색 결과 수", "number", "(0~200)"),
    ("ranking_view", "랭킹 조회", "랭킹 화면 진입 시 전송", "탐색",
     "ranking_type", "랭킹 종류", "number", "1:실시간,2:일간,3:주간,4:신작", None),
    ("series_view", "작품 조회", "작품 홈(회차 목록) 진입 시 전송", "작품",
     "series_id", "작품 ID", "string", "예: s_10021, s_20554", None),
    row("series_title", "작품명", "string", "예: 나 혼자만 레벨업, 재혼 황후, 전지적 독자 시점"),
    row("content_type", "작품 유형", "number", _CONTENT),
    row("genre", "장르", "number", _GENRE),
    row("author", "작가", "string", "예: 추공, 알파타르트, 싱숑"),
    row("view_source", "유입 경로", "number", "1:홈,2:검색,3:랭킹,4:관심작품,5:푸시",
        "추천 영역 포함"),
    BLANK,
    ("episode_view", "회차 조회", "회차 상세(구매/열람 선택) 화면 진입 시 전송", "열람",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", "(1~500)"),
    row("is_free", "무료 회차 여부", "boolean", "무료 회차이면 true"),
    row("episode_price", "회차 가격", "number", "유료 회차의 코인 가격 (0~4)",
        "웹툰 2코인, 웹소설 1코인"),
    ("episode_read", "회차 열람", "회차를 열람하고 뷰어를 닫을 때 전송", "열람",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", "(1~500)"),
    row("is_free", "무료 회차 여부", "boolean", None),
    row("unlock_type", "열람 방식", "number", "1:무료,2:기다리면 무료,3:대여권,4:소장(코인)"),
    row("read_progress", "열람 진행률", "number", "뷰어를 닫을 때의 진행률 (0~1)"),
    row("read_seconds", "열람 시간", "number", "뷰어 체류 시간, 단위 초 (5~1800)"),
    ("episode_complete", "회차 완독", "회차 마지막 컷/페이지 도달 시 전송", "열람",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    ("wait_free_use", "기다리면 무료 사용", "기다리면 무료로 회차를 열람할 때 전송", "이용권",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    row("wait_hours", "충전 대기 시간", "number", "(Enum: 3, 12, 24, 72)", "작품마다 다름"),
    row("next_free_at", "다음 무료 시간", "time", "다음 기다리면 무료 이용 가능 시각"),
    ("ticket_use", "대여권 사용", "대여 이용권으로 회차를 대여할 때 전송", "이용권",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    row("ticket_type", "이용권 종류", "number", "1:대여권,2:소장권"),
    row("ticket_count_after", "사용 후 보유 이용권", "number", "(0~50)"),
    ("rental", "회차 대여", "코인 또는 대여권으로 회차 대여 완료 시 전송", "이용권",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    row("rental_hours", "대여 기간", "number", "(Enum: 72)", "대여 후 3일"),
    row("rental_expire_at", "대여 만료 시각", "time", "대여 만료 시각 (대여 시각 + 72시간)"),
    BLANK,
    ("coin_shop_view", "코인 상점 조회", "코인 충전 화면 진입 시 전송", "결제",
     "entry_point", "진입 경로", "number", "1:뷰어,2:회차 목록,3:마이페이지,4:이벤트"),
    ("coin_charge", "코인 충전", "코인 결제 성공 시 전송", "결제",
     "order_id", "주문 번호", "string", "예: ord_20240101_000123", None),
    row("product_id", "상품 ID", "string",
        "예: coin_100, coin_300, coin_500, coin_1000, coin_3000, coin_5000, coin_10000",
        "100코인 = 1,000원"),
    row("coin_amount", "충전 코인", "number", "(100~10000)"),
    row("bonus_coin", "보너스 코인", "number", "(0~1500)"),
    row("pay_amount", "결제 금액", "number", "단위 원 (1000~100000)"),
    row("currency", "통화", "string", "(Enum: KRW)"),
    row("payment_method", "결제 수단", "string",
        "(Enum: 카카오페이, 네이버페이, 신용카드, 휴대폰결제)"),
    row("is_first_charge", "첫 결제 여부", "boolean", "계정의 첫 결제이면 true"),
    ("coin_use", "코인 사용", "코인으로 회차를 소장/대여할 때 전송", "결제",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    row("coin_amount", "사용 코인", "number", "(1~10)"),
    row("coin_balance_after", "사용 후 코인 잔액", "number", "(0~100000)"),
    BLANK,
    ("favorite_add", "관심작품 등록", "작품을 관심작품(구독)에 추가할 때 전송", "참여",
     "series_id", "작품 ID", "number", "작품 번호", "이 이벤트만 숫자형으로 수집"),
    row("content_type", "작품 유형", "number", _CONTENT),
    ("favorite_remove", "관심작품 해제", "관심작품에서 작품을 삭제할 때 전송", "참여",
     "series_id", "작품 ID", "number", "작품 번호", None),
    ("comment_write", "댓글 작성", "회차 댓글 작성 완료 시 전송", "참여",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    row("comment_length", "댓글 길이", "number", "(1~500)"),
    ("like", "좋아요", "회차 좋아요 클릭 시 전송", "참여",
     "series_id", "작품 ID", "string", None, None),
    row("episode_no", "회차 번호", "number", None),
    ("share", "공유", "작품 공유 시 전송", "참여",
     "series_id", "작품 ID", "string", None, None),
    row("share_channel", "공유 채널", "string", "(Enum: 카카오톡, 링크 복사, 인스타그램)"),
    ("rating_submit", "별점 주기", "작품 별점 등록 시 전송", "참여",
     "series_id", "작품 ID", "string", None, None),
    row("rating", "별점", "number", "(1~5)"),
    BLANK,
    ("push_receive", "알림 수신", "푸시 알림 수신 시 전송", "알림",
     "push_type", "알림 종류", "number", "1:신규 회차,2:기다무 충전,3:이벤트,4:대여 만료 임박"),
    ("push_open", "알림 열기", "푸시 알림 클릭으로 앱 진입 시 전송", "알림",
     "push_type", "알림 종류", "number", "1:신규 회차,2:기다무 충전,3:이벤트,4:대여 만료 임박"),
    row("push_id", "알림 ID", "string", "예: push_880123"),
    ("check_in", "출석 체크", "이벤트 출석 체크 시 전송, 하루 1회", "이벤트",
     "check_in_day", "연속 출석일", "number", "(1~30)"),
    row("reward_coin", "보상 코인", "number", "(1~10)"),
    ("ad_reward", "광고 보상", "보상형 광고 시청 완료 후 보상 지급 시 전송", "이벤트",
     "ad_unit_id", "광고 ID", "string", "예: ad_rv_01", None),
    row("reward_type", "보상 종류", "number", "1:코인,2:대여권,3:기다무 시간 단축"),
    row("reward_amount", "보상 수량", "number", "(1~5)"),
    ("event_page_view", "이벤트 페이지 조회", "프로모션 이벤트 페이지 진입 시 전송", "이벤트",
     "event_id", "이벤트 ID", "string", "예: ev_2024_summer", None),
    ("setting_change", "설정 변경", "알림·뷰어 설정 변경 시 전송", "설정",
     "setting_key", "설정 항목", "string", "(Enum: 푸시 알림, 야간 알림, 뷰어 모드)", None),
    row("setting_value", "설정 값", "boolean", None),
    ("logout", "로그아웃", "로그아웃 시 전송", "가입 및 로그인", None, None, None, None, None),
    BLANK,
    ("※ #이 붙은 속성은 프리셋 속성입니다. 금액 단위는 원(KRW)입니다.",
     None, None, None, None, None, None, None, None),
]

COMMON_ROWS: list[tuple] = [
    ("속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명"),
    ("#os", "운영체제", "string", "iOS, Android"),
    ("app_version", "앱 버전", "string", "예: 5.12.0"),
    ("member_grade", "회원 등급", "number", "1:일반,2:실버,3:골드,4:VIP"),
    ("coin_balance", "보유 코인", "number", "이벤트 발생 시 보유 코인 (0~100000)"),
]

USER_ROWS: list[tuple] = [
    ("속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "업데이트 방식", "속성 설명",
     "속성 태그"),
    ("signup_date", "가입일", "time", "user_setOnce", "회원가입 시 기록", "기본 속성"),
    ("signup_method", "가입 방식", "string", "user_setOnce",
     "(Enum: 카카오, 네이버, 애플, 이메일)", None),
    ("is_adult_verified", "성인인증 여부", "boolean", "user_set", "성인인증 완료 시 true", None),
    ("coin_balance", "보유 코인", "number", "user_set", "충전/사용 시 덮어쓰기", "결제 속성"),
    ("total_charge_amount", "누적 충전 금액", "number", "user_add",
     "코인 충전 시 결제 금액(원) 누적", None),
    ("charge_count", "누적 충전 횟수", "number", "user_add", "코인 충전 시 1 증가", None),
    ("first_charge_date", "첫 결제일", "time", "user_setOnce", "첫 코인 충전 시각", None),
    ("favorite_genre", "선호 장르", "number", "user_set", _GENRE, "열람 속성"),
    ("favorite_count", "관심작품 수", "number", "user_add", "관심작품 등록 +1, 해제 -1", None),
    ("last_read_series", "마지막 열람 작품", "string", "user_set",
     "마지막으로 열람한 작품 ID", None),
    ("total_read_episodes", "누적 열람 회차 수", "number", "user_add", "회차 열람 시 1 증가", None),
    ("member_grade", "회원 등급", "number", "user_set", "1:일반,2:실버,3:골드,4:VIP", None),
    ("push_agree", "알림 수신 동의", "boolean", "user_set", None, None),
]
# fmt: on


def write_kr_webtoon(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder``; return the folder."""
    sheets: Sheets = {"#이벤트 데이터": EVENT_ROWS, "#공통 이벤트 속성": COMMON_ROWS,
                      "#유저 데이터": USER_ROWS}
    merges = {"#이벤트 데이터": spaced_block_merges(EVENT_ROWS)}
    return write_workbook_plan(folder, sheets, PRODUCT, merges)
