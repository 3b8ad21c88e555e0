"""The demo's vocabulary and proportions: household categories and sizes, kinds of logs and their
texts, categories of requests with their outcomes, duties of the stationed cadres."""

from __future__ import annotations

from ganbu.villagework.models import HouseholdCategory, LogKind, RequestCategory

NUMERALS = "一二三四五六七八九十"

HOUSEHOLD_CATEGORIES: list[tuple[str, int]] = [
    (HouseholdCategory.GENERAL, 80),
    (HouseholdCategory.LIFTED, 12),
    (HouseholdCategory.MONITORED, 3),
    (HouseholdCategory.DIBAO, 4),
    (HouseholdCategory.WUBAO, 1),
]
SPECIAL_CATEGORIES = {
    HouseholdCategory.LIFTED,
    HouseholdCategory.MONITORED,
    HouseholdCategory.DIBAO,
    HouseholdCategory.WUBAO,
}
# 人口 1–8, mostly 3–4
MEMBER_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8]
MEMBER_WEIGHTS = [6, 14, 25, 27, 15, 8, 3, 2]
PHONE_PREFIXES = ["130", "131", "132", "135", "136", "138", "139", "150", "151", "158", "177", "180", "188"]

LOG_KINDS: list[tuple[str, int]] = [
    (LogKind.VISIT, 50),
    (LogKind.CLINIC, 20),
    (LogKind.CONSULT, 8),
    (LogKind.POLICY, 10),
    (LogKind.MEDIATION, 5),
    (LogKind.PROJECT, 5),
    (LogKind.OTHER, 2),
]
REQUEST_CATEGORIES: list[tuple[str, int]] = [
    (RequestCategory.PRODUCTION, 20),
    (RequestCategory.INFRASTRUCTURE, 22),
    (RequestCategory.WELFARE, 20),
    (RequestCategory.DISPUTE, 10),
    (RequestCategory.POLICY, 12),
    (RequestCategory.ENVIRONMENT, 12),
    (RequestCategory.OTHER, 4),
]

POLICIES = [
    "防返贫动态监测政策",
    "城乡居民医疗保险参保缴费政策",
    "耕地地力保护补贴政策",
    "农村危房改造政策",
    "脱贫人口小额信贷政策",
    "雨露计划助学政策",
    "城乡居民养老保险政策",
    "森林防火和秸秆禁烧规定",
    "防溺水安全知识",
    "防范电信网络诈骗知识",
    "移风易俗倡议",
    "农村人居环境整治要求",
]
ISSUES = [
    "村道硬化",
    "饮水安全",
    "村集体经济发展",
    "农田水利设施维修",
    "人居环境整治",
    "低保民主评议",
    "宅基地审批",
    "防汛防台准备",
    "一事一议公益项目",
]
DISPUTES = ["宅基地界址", "土地承包经营权", "山林权属", "灌溉用水", "邻里建房滴水", "赡养老人", "借款"]
PROJECTS = [
    "村道硬化工程",
    "村集体槟榔加工厂",
    "农村饮水提升工程",
    "村文化室改造项目",
    "产业道路建设项目",
    "村级光伏发电项目",
    "村级冷库项目",
]
CROPS = ["槟榔", "橡胶", "胡椒", "冬季瓜菜", "水稻", "椰子", "百香果", "黑山羊养殖", "文昌鸡养殖"]

LOG_TEMPLATES: dict[str, list[str]] = {
    LogKind.VISIT: [
        "走访{group}{names}等{n}户，了解家庭收入和外出务工情况，宣传{policy}。",
        "入户走访{group}{names}，核实家庭人口和收入变化，登记群众反映的问题。",
        "到{group}走访{names}，查看{crop}种植管护情况，了解生产中的困难。",
        "走访{group}{names}等{n}户，听取群众对村务公开和村级工作的意见建议。",
        "走访{names}，核对帮扶台账，提醒按时缴纳城乡居民医保。",
    ],
    LogKind.CLINIC: [
        "在村委会驻村工作日坐诊，接待来访群众{k}人次，解答{policy}相关问题。",
        "在村便民服务站值班，帮助群众办理医保参保登记、低保申请等事项{k}件。",
        "驻村坐诊，协助村两委整理村务档案，接待群众咨询{k}人次。",
    ],
    LogKind.CONSULT: [
        "召开村两委会议，会同村干部研究{issue}工作，明确责任人和完成时限。",
        "参加村两委联席会议，共同商议群众反映的{issue}问题，形成解决方案。",
    ],
    LogKind.POLICY: [
        "在{group}召开群众会，宣讲{policy}，发放宣传资料{k}份。",
        "利用村广播和村民微信群宣传{policy}，解答群众疑问。",
    ],
    LogKind.MEDIATION: [
        "调解{group}两户村民因{dispute}引发的纠纷，经耐心说服双方达成和解。",
        "会同村调解委员会处理{dispute}纠纷，做好双方思想工作，矛盾已初步化解。",
    ],
    LogKind.PROJECT: [
        "到{project}现场查看施工进度和质量，协调解决{issue}问题。",
        "推进{project}，与施工方和村民代表座谈，督促按期完工。",
    ],
    LogKind.OTHER: [
        "参加乡镇驻村干部工作例会，汇报本周驻村工作情况。",
        "整理驻村工作台账，更新农户走访记录。",
        "陪同县乡村振兴局检查组到村检查防返贫监测工作。",
    ],
}
# (诉求内容, 办理结果) by category
REQUEST_TEMPLATES: dict[str, list[tuple[str, str]]] = {
    RequestCategory.PRODUCTION: [
        ("希望提供{crop}种植技术指导", "已联系乡镇农业服务中心技术员上门指导。"),
        ("反映{crop}销路不畅，希望帮助联系收购商", "已对接收购商上门收购，群众表示满意。"),
        ("申请脱贫人口小额信贷发展{crop}", "已协助办理小额信贷申请，贷款已发放。"),
    ],
    RequestCategory.INFRASTRUCTURE: [
        ("反映{group}村道路面破损，雨天出行不便", "已报乡镇列入维修计划，路面现已修复。"),
        ("反映家中自来水水压不足，经常停水", "已协调供水公司检修管网，供水恢复正常。"),
        ("申请在{group}路口安装路灯", "已纳入村级公益项目，路灯已安装。"),
        ("反映灌溉水渠堵塞，影响农田灌溉", "已组织村民投工投劳清理完毕。"),
    ],
    RequestCategory.WELFARE: [
        ("咨询低保申请条件，希望纳入低保", "已协助准备申请材料，经村民代表评议后报乡镇审核。"),
        ("反映医保报销手续繁琐，希望协助办理", "已帮助办理报销手续，款项已到账。"),
        ("申请农村危房改造补助", "已上门核查房屋情况并报乡镇，列入年度改造计划。"),
        ("家中老人行动不便，申请办理残疾证", "已联系县残联上门评残，残疾证已办理。"),
    ],
    RequestCategory.DISPUTE: [
        ("与邻居因{dispute}发生纠纷，请求调解", "经村调解委员会调解，双方达成书面协议。"),
        ("反映与亲属因{dispute}问题长期不和，请求村里出面", "已会同司法所调解，矛盾化解。"),
    ],
    RequestCategory.POLICY: [
        ("咨询{policy}的具体标准", "已当面解释政策标准并提供宣传资料。"),
        ("咨询子女申请雨露计划补助的办法", "已上门讲解申请办法，材料已提交。"),
    ],
    RequestCategory.ENVIRONMENT: [
        ("反映{group}垃圾清运不及时", "已协调保洁员定时清运。"),
        ("反映附近养殖场气味影响生活", "已督促养殖户整改，现已达标。"),
        ("希望整治房前屋后的积水和杂草", "已组织开展环境卫生整治。"),
    ],
    RequestCategory.OTHER: [
        ("希望村里组织实用技能培训", "已向乡镇反映，列入年度培训计划。"),
        ("反映手机信号差，希望协调增设基站", "已向通信公司反映，列入建设计划。"),
    ],
}
FIRST_SECRETARY_DUTIES = [
    "抓党建促乡村振兴；推进村集体经济项目",
    "建强村党组织；发展壮大村集体经济；巩固拓展脱贫攻坚成果",
    "推动乡村产业发展；为民办事服务；提升村级治理水平",
]
TEAM_MEMBER_DUTIES = ["协助驻村干部开展入户走访和政策宣传", "负责防返贫动态监测和帮扶台账"]
STATIONED_DUTIES = ["", "", "", "协助村两委做好防返贫动态监测", "推进村级集体经济项目"]
