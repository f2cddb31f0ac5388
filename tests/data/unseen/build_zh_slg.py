"""Write an unseen plan: 铁血王座, a Chinese mobile SLG (strategy) game in a ThinkingData workbook.

A plan in the shape a Chinese SLG studio hands over: simplified-Chinese headers, display
names and descriptions; enumerations written as codes with labels (``1:普通,2:稀有``);
a city of buildings upgraded level by level (``building_id`` / ``from_level`` /
``to_level``), research, troop training, marches and sieges with power values, an
alliance joined, left and helped, recharges in CNY at the Chinese price points with a
first-pay flag, VIP levels, four resources (gold / wood / food / stone) gained and spent
with the balance after, activities, mail rewards and a hero gacha. Quirks as found in the
wild: event cells merged over their property rows, blank rows between groups, and a note
row at the foot of the event sheet. Written by the tests (``write_zh_slg(folder)``), never
kept as a binary.
"""

from __future__ import annotations

from pathlib import Path

from tests.taxonomy.taxonomy_files import Sheets, spaced_block_merges, write_workbook_plan
from tests.taxonomy.taxonomy_files import property_row as row

PRODUCT = {
    "industry": "game",
    "platform": "mobile_app",
    "product_name": "铁血王座",
    "description": "面向中国大陆玩家的手机SLG策略游戏：建设主城、升级建筑和科技、训练士兵、"
                   "出征攻城、加入联盟。充值档位6元到648元，首充双倍，VIP 0~15级。",
}

HEADER = ("事件名(必填)", "事件显示名", "事件说明", "事件标签",
          "属性名(必填)", "属性显示名", "属性类型(必填)", "属性说明")
BLANK: tuple = (None,) * len(HEADER)

_SDK = "SDK自动采集"
_RESOURCE = "1:金币,2:木材,3:粮食,4:石料"
_TROOPS = "1:步兵,2:骑兵,3:弓兵,4:攻城车"

# fmt: off
EVENT_ROWS: list[tuple] = [
    HEADER,
    ("ta_app_install", "应用安装", _SDK, "系统", None, None, None, None),
    ("ta_app_start", "应用启动", _SDK, "系统", None, None, None, None),
    ("ta_app_end", "应用关闭", _SDK, "系统", "#duration", "使用时长", "数值", "本次使用时长（秒）"),
    BLANK,
    ("register", "注册", "账号注册成功时上报，每个账号一次", "账号",
     "register_channel", "注册方式", "文本", "枚举: 手机号,微信,QQ,游客"),
    ("login", "登录", "每次登录成功时上报", "账号",
     "login_channel", "登录方式", "文本", "枚举: 手机号,微信,QQ,游客"),
    ("create_role", "创建角色", "在服务器上创建角色时上报", "账号",
     "role_id", "角色ID", "文本", "例如: r_100231"),
    row("role_name", "角色名", "文本", "玩家输入的角色名"),
    row("camp", "阵营", "数值", "1:魏,2:蜀,3:吴"),
    ("logout", "登出", "玩家主动退出或断线时上报", "账号",
     "online_time", "在线时长", "数值", "本次在线时长，单位秒 (60~14400)"),
    BLANK,
    ("building_upgrade_start", "建筑开始升级", "点击升级建筑时上报", "城建",
     "building_id", "建筑ID", "数值", "1:主城,2:兵营,3:农田,4:伐木场,5:采石场,6:学院,7:城墙"),
    row("from_level", "升级前等级", "数值", "(1~30)"),
    row("to_level", "目标等级", "数值", "(2~30)"),
    row("cost_gold", "消耗金币", "数值", "(100~500000)"),
    row("cost_wood", "消耗木材", "数值", "(100~500000)"),
    row("upgrade_seconds", "升级耗时", "数值", "升级所需时间，单位秒 (30~86400)"),
    ("building_upgrade_finish", "建筑升级完成", "建筑升级完成时上报", "城建",
     "building_id", "建筑ID", "数值", "1:主城,2:兵营,3:农田,4:伐木场,5:采石场,6:学院,7:城墙"),
    row("to_level", "升级后等级", "数值", "(2~30)"),
    row("speedup_used", "是否使用加速", "布尔", "是否使用了加速道具"),
    ("research_start", "开始科技研究", "开始研究科技时上报", "科技",
     "tech_id", "科技ID", "文本", "例如: tech_atk_1, tech_gather_2"),
    row("tech_level", "科技等级", "数值", "研究后的等级 (1~20)"),
    row("cost_food", "消耗粮食", "数值", "(100~300000)"),
    ("research_finish", "科技研究完成", "科技研究完成时上报", "科技",
     "tech_id", "科技ID", "文本", None),
    row("tech_level", "科技等级", "数值", None),
    BLANK,
    ("train_troops", "训练士兵", "开始训练士兵时上报", "军事",
     "troop_type", "兵种", "数值", _TROOPS),
    row("troop_tier", "兵种等级", "数值", "(1~10)"),
    row("count", "训练数量", "数值", "(10~5000)"),
    row("cost_food", "消耗粮食", "数值", "(100~300000)"),
    ("march", "出征", "部队出城行军时上报", "军事",
     "march_type", "行军类型", "数值", "1:采集,2:攻打野怪,3:攻城,4:增援"),
    row("troop_count", "出征兵力", "数值", "(100~200000)"),
    row("march_power", "部队战力", "数值", "出征部队战力 (1000~5000000)"),
    ("attack_city", "攻城", "攻打其他玩家主城时上报", "军事",
     "target_role_id", "目标角色ID", "文本", "例如: r_100562"),
    row("attacker_power", "我方战力", "数值", "(1000~5000000)"),
    row("defender_power", "敌方战力", "数值", "(1000~5000000)"),
    row("result", "战斗结果", "数值", "1:胜利,2:失败"),
    row("troops_lost", "损失兵力", "数值", "(0~200000)"),
    row("loot", "掠夺资源", "数值", "胜利时掠夺的资源总量 (0~1000000)"),
    ("kill_monster", "击杀野怪", "击杀野外怪物时上报", "军事",
     "monster_level", "野怪等级", "数值", "(1~30)"),
    row("is_win", "是否胜利", "布尔", None),
    BLANK,
    ("alliance_join", "加入联盟", "加入联盟时上报", "联盟",
     "alliance_id", "联盟ID", "文本", "例如: a_20031"),
    row("join_way", "加入方式", "数值", "1:申请,2:邀请,3:创建"),
    ("alliance_leave", "退出联盟", "退出或被踢出联盟时上报", "联盟",
     "alliance_id", "联盟ID", "文本", None),
    row("leave_reason", "退出原因", "数值", "1:主动退出,2:被踢出,3:联盟解散"),
    ("alliance_help", "联盟帮助", "帮助盟友加速时上报", "联盟",
     "alliance_id", "联盟ID", "文本", None),
    row("help_count", "帮助次数", "数值", "(1~30)"),
    ("alliance_donate", "联盟捐献", "向联盟科技捐献资源时上报", "联盟",
     "alliance_id", "联盟ID", "文本", None),
    row("donate_type", "捐献资源", "数值", _RESOURCE),
    row("donate_amount", "捐献数量", "数值", "(1000~100000)"),
    BLANK,
    ("recharge_click", "点击充值", "在商城点击充值档位时上报", "付费",
     "product_id", "商品ID", "文本",
     "例如: gem_6, gem_30, gem_68, gem_128, gem_328, gem_648, month_card"),
    row("pay_amount", "充值金额", "数值", "单位元 (6~648)"),
    ("recharge", "充值成功", "支付成功、发货后上报", "付费",
     "order_id", "订单号", "文本", None),
    row("product_id", "商品ID", "文本", None),
    row("pay_amount", "充值金额", "数值", "单位元 (6~648)"),
    row("currency", "货币类型", "文本", "枚举: CNY"),
    row("pay_channel", "支付渠道", "数值", "1:微信支付,2:支付宝,3:Apple Pay"),
    row("is_first_pay", "是否首充", "布尔", "账号第一次充值为是"),
    row("gem_get", "获得钻石", "数值", "(60~12960)"),
    ("vip_level_up", "VIP升级", "累计充值达到VIP门槛时上报", "付费",
     "vip_level", "VIP等级", "数值", "升级后的VIP等级 (1~15)"),
    ("month_card_claim", "领取月卡", "每日领取月卡奖励时上报", "付费",
     "days_left", "剩余天数", "数值", "(0~29)"),
    BLANK,
    ("resource_gain", "获得资源", "通过采集、任务、邮件等获得资源时上报", "资源",
     "resource_type", "资源类型", "数值", _RESOURCE),
    row("amount", "获得数量", "数值", "(100~200000)"),
    row("source", "来源", "数值", "1:采集,2:任务,3:邮件,4:活动,5:掠夺"),
    row("balance_after", "获得后余额", "数值", "(0~99999999)"),
    ("resource_cost", "消耗资源", "升级、训练、研究等消耗资源时上报", "资源",
     "resource_type", "资源类型", "数值", _RESOURCE),
    row("amount", "消耗数量", "数值", "(100~200000)"),
    row("reason", "消耗原因", "数值", "1:建筑升级,2:训练,3:研究,4:治疗"),
    row("balance_after", "消耗后余额", "数值", "(0~99999999)"),
    ("gem_gain", "获得钻石", "获得钻石时上报", "资源",
     "gem_amount", "钻石数量", "数值", "(10~12960)"),
    row("gem_balance", "当前钻石", "数值", "获得后的钻石余额 (0~999999)"),
    ("gem_cost", "消耗钻石", "消耗钻石时上报", "资源",
     "gem_amount", "钻石数量", "数值", "(10~5000)"),
    row("gem_balance", "当前钻石", "数值", "消耗后的钻石余额 (0~999999)"),
    row("cost_reason", "消耗途径", "数值", "1:加速,2:抽卡,3:购买道具"),
    BLANK,
    ("activity_join", "参与活动", "参与限时活动时上报", "活动",
     "activity_id", "活动ID", "文本", "例如: act_kvk_01, act_login_7d"),
    row("activity_type", "活动类型", "数值", "1:登录活动,2:跨服战,3:充值活动,4:限时挑战"),
    ("activity_reward", "领取活动奖励", "领取活动奖励时上报", "活动",
     "activity_id", "活动ID", "文本", None),
    row("reward_id", "奖励ID", "文本", "例如: rw_1001"),
    ("mail_claim", "领取邮件", "领取邮件附件时上报", "邮件",
     "mail_id", "邮件ID", "文本", "例如: m_883120"),
    row("mail_type", "邮件类型", "数值", "1:系统,2:联盟,3:活动,4:补偿"),
    row("attach_gems", "附件钻石", "数值", "(0~500)"),
    ("gacha_draw", "抽卡", "招募武将时上报", "武将",
     "pool_id", "卡池ID", "文本", "枚举: 常驻池,限定池,新手池"),
    row("draw_times", "抽取次数", "数值", "枚举: 1,10"),
    row("cost_gems", "消耗钻石", "数值", "(200~2000)"),
    row("heroes", "获得武将", "对象组", "本次获得的武将列表"),
    row("heroes.hero_id", "武将ID", "文本", "例如: h_guanyu, h_zhaoyun"),
    row("heroes.rarity", "稀有度", "数值", "1:普通,2:稀有,3:史诗,4:传说"),
    ("hero_level_up", "武将升级", "武将升级时上报", "武将",
     "hero_id", "武将ID", "文本", None),
    row("hero_level", "武将等级", "数值", "升级后的等级 (2~80)"),
    ("lord_level_up", "主公升级", "主公等级提升时上报", "成长",
     "lord_level", "主公等级", "数值", "升级后的等级 (2~60)"),
    ("quest_complete", "完成任务", "完成主线或日常任务时上报", "任务",
     "quest_id", "任务ID", "文本", "例如: q_main_001, q_daily_03"),
    row("quest_type", "任务类型", "数值", "1:主线,2:支线,3:日常"),
    ("chat_send", "发送聊天", "在世界或联盟频道发送消息时上报", "社交",
     "channel", "频道", "数值", "1:世界,2:联盟,3:私聊"),
    BLANK,
    ("注：带#的属性为预置属性；金额单位均为人民币元。", None, None, None, None, None, None, None),
]

COMMON_ROWS: list[tuple] = [
    ("属性名(必填)", "属性显示名", "属性类型(必填)", "属性说明"),
    ("server_id", "服务器ID", "数值", "(1~200)"),
    ("lord_level", "主公等级", "数值", "事件发生时的主公等级 (1~60)"),
    ("castle_level", "主城等级", "数值", "事件发生时的主城等级 (1~30)"),
    ("vip_level", "VIP等级", "数值", "(0~15)"),
    ("total_power", "总战力", "数值", "事件发生时的总战力 (1000~50000000)"),
]

USER_ROWS: list[tuple] = [
    ("属性名(必填)", "属性显示名", "属性类型(必填)", "更新方式", "属性说明"),
    ("register_time", "注册时间", "时间", "user_setOnce", "首次注册时记录"),
    ("first_server_id", "首个服务器", "数值", "user_setOnce", "(1~200)"),
    ("role_name", "角色名", "文本", "user_set", None),
    ("lord_level", "主公等级", "数值", "user_set", "(1~60)"),
    ("castle_level", "主城等级", "数值", "user_set", "(1~30)"),
    ("vip_level", "VIP等级", "数值", "user_set", "(0~15)"),
    ("total_power", "总战力", "数值", "user_set", "(1000~50000000)"),
    ("alliance_id", "当前联盟", "文本", "user_set", None),
    ("gem_balance", "钻石余额", "数值", "user_set", "(0~999999)"),
    ("first_pay_time", "首充时间", "时间", "user_setOnce", "第一次充值成功的时间"),
    ("total_recharge", "累计充值金额", "数值", "user_add", "每次充值成功累加，单位元"),
    ("recharge_count", "累计充值次数", "数值", "user_add", "每次充值成功加1"),
    ("login_days", "累计登录天数", "数值", "user_add", None),
]
# fmt: on


def write_zh_slg(folder: Path) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder``; return the folder."""
    sheets: Sheets = {"#事件数据": EVENT_ROWS, "#公共事件属性": COMMON_ROWS, "#用户数据": USER_ROWS}
    merges = {"#事件数据": spaced_block_merges(EVENT_ROWS)}
    return write_workbook_plan(folder, sheets, PRODUCT, merges)
