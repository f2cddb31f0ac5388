"""Write an unseen plan: 星霜クロニクル, a Japanese RPG in a ThinkingData-layout workbook.

A plan in the shape of the corpus workbooks but in Japanese and with names the corpus does
not use (``stage_no``, ``chapter_no``, ``gem_balance``, ``pay_amount_jpy``, ``vip_rank``,
``guild_enter`` / ``guild_exit``, a gacha with an object group of results). Written by the
tests (``write_jp_rpg(folder)``), never kept as a binary.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import (
    Sheets,
    event_block_merges,
    property_row,
    write_workbook_plan,
)

PRODUCT = {
    "industry": "game",
    "platform": "mobile_app",
    "product_name": "星霜クロニクル",
    "description": "日本向けのスマホRPG。ガチャでキャラクターを集め、メインストーリーのステージを"
                   "進め、ギルドに参加する。ジェムパックは160円から12,000円。",
}

HEADER = ("イベント名（必須）", "イベント表示名", "イベント説明", "イベントタグ",
          "プロパティ名（必須）", "プロパティ表示名", "プロパティ型（必須）", "プロパティ説明")


# fmt: off
EVENT_ROWS: list[tuple] = [
    HEADER,
    ("ta_app_install", "アプリインストール", "SDKが自動収集", "システム", None, None, None, None),
    ("ta_app_start", "アプリ起動", "SDKが自動収集", "システム", None, None, None, None),
    ("ta_app_end", "アプリ終了", "SDKが自動収集", "システム",
     "#duration", "滞在時間", "数値", "セッションの長さ（秒）"),
    ("account_register", "アカウント登録", "アカウント作成時に1回送信", "アカウント",
     "register_route", "登録方法", "テキスト", "(Enum: guest, apple, google, line)"),
    ("account_login", "ログイン", "ログインのたびに送信", "アカウント",
     "login_route", "ログイン方法", "テキスト", "(Enum: guest, apple, google, line)"),
    ("gacha_pull", "ガチャを引く", "ガチャを引いたときに送信", "ガチャ",
     "banner_id", "ガチャID", "テキスト", "例: banner_fes_01, banner_normal"),
    property_row("pull_count", "回数", "数値", "(Enum: 1, 10)"),
    property_row("gem_cost", "消費ジェム", "数値", "消費したジェム (150~1500)"),
    property_row("pulled", "獲得キャラ", "オブジェクトグループ", "獲得したキャラクターの一覧"),
    property_row("pulled.chara_id", "キャラID", "テキスト", "例: chara_0012"),
    property_row("pulled.chara_rarity", "レアリティ", "テキスト", "(Enum: R, SR, SSR)"),
    ("quest_begin", "ステージ開始", "ステージに入ったときに送信", "ステージ",
     "stage_no", "ステージ番号", "テキスト", "例: 1-1, 1-2, 2-1"),
    property_row("chapter_no", "章番号", "数値", "章 (1~20)"),
    ("quest_win", "ステージクリア", "ステージをクリアしたときに送信", "ステージ",
     "stage_no", "ステージ番号", "テキスト", None),
    property_row("chapter_no", "章番号", "数値", None),
    property_row("stars_won", "獲得星", "数値", "(1~3)"),
    property_row("gold_reward", "獲得ゴールド", "数値", "獲得したゴールド (100~5000)"),
    ("quest_lose", "ステージ失敗", "ステージに失敗したときに送信", "ステージ",
     "stage_no", "ステージ番号", "テキスト", None),
    ("player_level_up", "プレイヤーレベルアップ", "プレイヤーレベルが上がったときに送信", "成長",
     "player_lv", "プレイヤーレベル", "数値", "上がった後のレベル (1~200)"),
    ("gem_shop_purchase_request", "購入開始", "ジェムパックの購入を開始したときに送信", "課金",
     "pack_code", "商品ID", "テキスト", "例: gem_pack_160, gem_pack_980, monthly_pass"),
    property_row("pay_amount_jpy", "価格（円）", "数値", "価格（円） (160~12000)"),
    ("gem_shop_purchase_done", "購入完了", "ストアで決済が完了したときに送信", "課金",
     "receipt_no", "レシート番号", "テキスト", None),
    property_row("pack_code", "商品ID", "テキスト", None),
    property_row("pay_amount_jpy", "価格（円）", "数値", None),
    property_row("pay_amount_usd", "価格（米ドル）", "数値", "米ドル換算 (0.99~99.99)"),
    ("vip_rank_change", "VIPランクアップ", "累計課金額でVIPランクが上がったときに送信", "課金",
     "vip_rank", "VIPランク", "数値", "(0~10)"),
    ("gem_earn", "ジェム獲得", "ジェムを獲得したときに送信", "通貨",
     "gem_delta", "獲得数", "数値", "(10~500)"),
    ("gem_spend", "ジェム消費", "ジェムを消費したときに送信", "通貨",
     "gem_delta", "消費数", "数値", None),
    ("guild_enter", "ギルド加入", "ギルドに加入したときに送信", "ギルド",
     "guild_code", "ギルドID", "テキスト", "例: guild_0042"),
    ("guild_exit", "ギルド脱退", "ギルドを脱退したときに送信", "ギルド",
     "guild_code", "ギルドID", "テキスト", None),
]

COMMON_ROWS: list[tuple] = [
    ("プロパティ名（必須）", "プロパティ表示名", "プロパティ型（必須）", "プロパティ説明"),
    ("now_player_lv", "現在のレベル", "数値", "イベント時点のプレイヤーレベル (1~200)"),
    ("now_gem_balance", "現在のジェム", "数値", "イベント時点の保有ジェム (0~99999)"),
    ("game_lang", "ゲーム内言語", "テキスト", "(Enum: ja, en, zh-TW)"),
]

USER_ROWS: list[tuple] = [
    ("プロパティ名（必須）", "プロパティ表示名", "プロパティ型（必須）", "更新方法",
     "プロパティ説明"),
    ("first_login_at", "初回ログイン日時", "時間", "user_setOnce", "初回ログイン時に記録"),
    ("player_lv", "プレイヤーレベル", "数値", "user_set", "現在のレベル (1~200)"),
    ("gem_balance", "保有ジェム", "数値", "user_set", "現在の保有ジェム (0~99999)"),
    ("best_stage_no", "最高到達ステージ", "テキスト", "user_set", "クリアした最高ステージ"),
    ("vip_rank", "VIPランク", "数値", "user_set", "現在のVIPランク (0~10)"),
    ("total_pay_jpy", "累計課金額（円）", "数値", "user_add", "購入完了のたびに価格を加算"),
    ("login_day_count", "ログイン日数", "数値", "user_add", "ログインした日数"),
]
# fmt: on


def write_jp_rpg(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder``; return the folder."""
    sheets: Sheets = {"#イベントデータ": EVENT_ROWS, "#共通イベントプロパティ": COMMON_ROWS,
                      "#ユーザーデータ": USER_ROWS}
    return write_workbook_plan(folder, sheets, PRODUCT,
                               {"#イベントデータ": event_block_merges(EVENT_ROWS)})
