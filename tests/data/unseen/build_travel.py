"""Write an unseen plan: 途悦旅行, a Chinese hotel-booking app in a ThinkingData-layout workbook.

A plan in the shape a Chinese customer hands over: headers and display names in simplified
Chinese, prices in CNY, events merged over their property rows, a trailing 备注 (notes)
column the reader has no use for, and a #用户数据 sheet. The journey is search → view a
hotel → book → pay → check in → review, with cancellations and refunds. Written by the
tests (``write_travel(folder)``), never kept as a binary.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import (
    Sheets,
    event_block_merges,
    write_workbook_plan,
)
from tests.taxonomy.taxonomy_files import (
    property_row as row,
)

PRODUCT = {
    "industry": "travel",
    "platform": "mobile_app",
    "product_name": "途悦旅行",
    "description": "面向中国大陆用户的酒店预订App：搜索城市和日期，查看酒店，预订房间并在线支付"
                   "（人民币），入住后写点评。可在入住前取消订单并退款。房价每晚200元到3000元。",
}

HEADER = ("事件名(必填)", "事件显示名", "事件说明", "事件标签",
          "属性名(必填)", "属性显示名", "属性类型(必填)", "属性说明", "备注")


# fmt: off
EVENT_ROWS: list[tuple] = [
    HEADER,
    ("ta_app_install", "应用安装", "SDK自动采集", "系统", None, None, None, None, None),
    ("ta_app_start", "应用启动", "SDK自动采集", "系统", None, None, None, None, None),
    ("ta_app_end", "应用关闭", "SDK自动采集", "系统",
     "#duration", "使用时长", "数值", "本次使用时长（秒）", None),
    ("user_register", "注册", "用户注册成功时上报，每个用户一次", "账号",
     "register_type", "注册方式", "文本", "(Enum: phone, wechat, alipay)", "v1.2起支持支付宝"),
    ("user_login", "登录", "用户登录成功时上报", "账号",
     "login_type", "登录方式", "文本", "(Enum: phone, wechat, alipay)", None),
    ("hotel_search", "搜索酒店", "用户提交酒店搜索时上报", "搜索",
     "dest_city", "目的地城市", "文本",
     "(Enum: 北京, 上海, 广州, 深圳, 杭州, 成都, 三亚, 西安)", None),
    row("checkin_date", "入住日期", "时间", "搜索的入住日期", None),
    row("nights", "入住晚数", "数值", "(1~14)", None),
    row("guest_count", "入住人数", "数值", "(1~6)", None),
    row("result_count", "结果数", "数值", "返回的酒店数量 (0~500)", None),
    ("hotel_view", "查看酒店详情", "用户打开酒店详情页时上报", "酒店",
     "hotel_id", "酒店ID", "文本", "例: htl_100231, htl_208876", None),
    row("hotel_star", "酒店星级", "数值", "(Enum: 2, 3, 4, 5)", None),
    row("min_price_cny", "最低房价", "数值", "详情页展示的最低每晚价格（元） (200~3000)", None),
    ("room_select", "选择房型", "用户选择房型时上报", "酒店",
     "hotel_id", "酒店ID", "文本", None, None),
    row("room_type", "房型", "文本", "(Enum: 标准间, 大床房, 双床房, 豪华套房)", None),
    row("room_price_cny", "每晚房价", "数值", "每晚价格（元） (200~3000)", None),
    ("booking_submit", "提交订单", "用户提交预订订单时上报", "订单",
     "booking_no", "订单号", "文本", "例: BK20240501000123", "订单号全局唯一"),
    row("hotel_id", "酒店ID", "文本", None, None),
    row("room_type", "房型", "文本", None, None),
    row("nights", "入住晚数", "数值", None, None),
    row("order_amount_cny", "订单金额", "数值", "房价×晚数（元） (200~42000)", None),
    ("pay_success", "支付成功", "订单支付成功时上报", "订单",
     "booking_no", "订单号", "文本", None, None),
    row("pay_channel", "支付方式", "文本", "(Enum: wechat_pay, alipay, union_pay)", None),
    row("coupon_cny", "优惠券金额", "数值", "使用的优惠券金额（元），未使用为0 (0~300)", None),
    row("paid_amount_cny", "实付金额", "数值", "订单金额减去优惠券（元） (200~42000)", None),
    ("pay_fail", "支付失败", "订单支付失败时上报", "订单",
     "booking_no", "订单号", "文本", None, None),
    row("fail_reason", "失败原因", "文本",
                 "(Enum: balance_insufficient, user_cancel, timeout)", None),
    ("booking_cancel", "取消订单", "用户在入住前取消已支付订单时上报", "订单",
     "booking_no", "订单号", "文本", None, None),
    row("cancel_reason", "取消原因", "文本", "(Enum: plan_changed, found_cheaper, other)", None),
    ("refund_success", "退款成功", "取消订单的退款到账时上报", "订单",
     "booking_no", "订单号", "文本", None, None),
    row("refund_amount_cny", "退款金额", "数值", "退回的金额（元） (200~42000)", None),
    ("hotel_checkin", "办理入住", "用户到店办理入住时上报", "入住",
     "booking_no", "订单号", "文本", None, None),
    row("hotel_id", "酒店ID", "文本", None, None),
    ("review_submit", "发表点评", "离店后用户发表点评时上报", "点评",
     "booking_no", "订单号", "文本", None, None),
    row("review_score", "评分", "数值", "(1~5)", None),
    row("review_len", "点评字数", "数值", "(0~500)", "旧版本不上报"),
    ("favorite_add", "收藏酒店", "用户收藏酒店时上报", "酒店",
     "hotel_id", "酒店ID", "文本", None, None),
    ("coupon_claim", "领取优惠券", "用户在活动页领取优惠券时上报", "营销",
     "coupon_value_cny", "券面额", "数值", "(Enum: 20, 50, 100, 300)", None),
]

COMMON_ROWS: list[tuple] = [
    ("属性名(必填)", "属性显示名", "属性类型(必填)", "属性说明", "备注"),
    ("member_level", "会员等级", "文本", "(Enum: 普通, 银卡, 金卡, 铂金)", None),
    ("app_channel", "渠道", "文本", "(Enum: appstore, huawei, xiaomi, oppo, vivo)", "安卓渠道包"),
]

USER_ROWS: list[tuple] = [
    ("属性名(必填)", "属性显示名", "属性类型(必填)", "更新方式", "属性说明", "备注"),
    ("register_time", "注册时间", "时间", "user_setOnce", "首次注册时间", None),
    ("member_level", "会员等级", "文本", "user_set", "(Enum: 普通, 银卡, 金卡, 铂金)", None),
    ("total_paid_cny", "累计支付金额", "数值", "user_add", "每次支付成功时累加实付金额（元）",
     None),
    ("booking_count", "累计订单数", "数值", "user_add", "每次支付成功时加1", None),
    ("last_city", "最近搜索城市", "文本", "user_set", "最近一次搜索的目的地城市", None),
]
# fmt: on


def write_travel(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder``; return the folder."""
    sheets: Sheets = {"#事件数据": EVENT_ROWS, "#公共事件属性": COMMON_ROWS, "#用户数据": USER_ROWS}
    return write_workbook_plan(folder, sheets, PRODUCT,
                               {"#事件数据": event_block_merges(EVENT_ROWS)})


if __name__ == "__main__":
    import sys

    print(write_travel(Path(sys.argv[1])))
