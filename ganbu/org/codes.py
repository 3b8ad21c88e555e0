"""National and local code tables loaded into org.CodeTable/CodeItem (see ../shared/REFERENCE.md).

These are the initial values; administrators edit the tables afterwards. Each item is
(code, name, group) — group is the 归类 structure tables count by, "" when the table has none.

Each table says where its values and codes come from, and which codes could not be confirmed from
a public source. The value lists of the national 干部大数据信息提取表 (V2018.11) are copied in
`data/code-lists-2018.tsv`; `tests/test_code_tables.py` checks every table against it.

Besides the current values:
- HISTORICAL: values of earlier tables still carried by stored records; the data migration keeps
  them inactive (shown for old records, refused for new data), and nothing else creates them.
- SYNONYMS: what clerks type for a value (大学本科 for 大学, 法学学士学位 for 法学学士), mapped to
  the value's name. `cadres.services.common.CodeBook.code_for` accepts them; a value that is
  neither a code, a name nor a synonym stays an error. A synonym is listed only when it means
  exactly one value (爱人 is the spouse of either sex: 配偶; 参公人员 could be either of two
  national values and is refused).
"""

from __future__ import annotations

Item = tuple[str, str, str]

ETHNIC_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
assert len(ETHNIC_NAMES) == 56

CODE_TABLES: dict[str, tuple[str, str, list[Item]]] = {
    "gender": ("性别", "GB/T 2261.1", [("1", "男", ""), ("2", "女", "")]),
    "ethnicity": (
        "民族",
        "GB/T 3304",
        [(f"{i:02d}", n, "汉族" if i == 1 else "少数民族") for i, n in enumerate(ETHNIC_NAMES, start=1)]
        + [("97", "其他", "少数民族"), ("98", "外国血统中国籍人士", "少数民族")],
    ),
    "political_status": (
        "政治面貌",
        "GB/T 4762",
        [
            ("01", "中共党员", "党员"),
            ("02", "中共预备党员", "党员"),
            ("03", "共青团员", "党外"),
            ("04", "民革党员", "党外"),
            ("05", "民盟盟员", "党外"),
            ("06", "民建会员", "党外"),
            ("07", "民进会员", "党外"),
            ("08", "农工党党员", "党外"),
            ("09", "致公党党员", "党外"),
            ("10", "九三学社社员", "党外"),
            ("11", "台盟盟员", "党外"),
            ("12", "无党派人士", "党外"),
            ("13", "群众", "党外"),
        ],
    ),
    # 学历: the organisation system's table ZB64 as the national 干部大数据信息提取表 (V2018.11) lists it,
    # in its order (the names: ganbu/org/data/code-lists-2018.tsv). Groups are the structure tables'
    # 研究生 / 大学 / 大专及以下.
    # CONFIRMED, name and code side by side in a real export of the national software (repository
    # JoneWold/wdy_jfinal_demo, download/testF/Table/A08.xml: A0801A name, A0801B code; data version
    # V2019.05): 1 研究生教育, 11 研究生, 13 研究生班, 1A 中央党校研究生, 1B 省委党校研究生, 2 本科教育,
    # 21 大学, 2A 中央党校大学, 2B 省委党校大学, 3 专科教育, 31 大专, 37 省委党校大专, 41 中专, 61 高中.
    # INFERRED, no name next to the code seen: the national software's statistics (repository
    # HuangHL92/ZHGBSYS, src/com/insigma/siis/local/pagemodel/dataverify/SjfxServlet.java) count
    # 大学专科 as the codes 31, 34, 37, 3B and 中专以下 as 41, 47, 61, 71, 81, 91. Hence 34 中央党校大专
    # and 3B 大学普通班, the two 专科 values left beside 31 and 37 (which of the two is which is NOT
    # confirmed), and 47 中技, 71 初中, 81 小学 (the GB/T 4658 pattern; NOT confirmed).
    # Until org 0006 / cadres 0013 the registry used 12 研究生班, 3A 中央党校大专, 3B 省委党校大专 and
    # 3C 大学普通班 (guesses, none of them in the sources); those migrations recode the table and the
    # stored records (12 → 13, 3A → 34, 3B → 37, 3C → 3B).
    "education": (
        "学历",
        "ZB64（V2018.11）",
        [
            ("1", "研究生教育", "研究生"),
            ("11", "研究生", "研究生"),
            ("13", "研究生班", "研究生"),
            ("1A", "中央党校研究生", "研究生"),
            ("1B", "省委党校研究生", "研究生"),
            ("2", "本科教育", "大学"),
            ("21", "大学", "大学"),
            ("2A", "中央党校大学", "大学"),
            ("2B", "省委党校大学", "大学"),
            ("3", "专科教育", "大专及以下"),
            ("31", "大专", "大专及以下"),
            ("34", "中央党校大专", "大专及以下"),
            ("37", "省委党校大专", "大专及以下"),
            ("3B", "大学普通班", "大专及以下"),
            ("41", "中专", "大专及以下"),
            ("47", "中技", "大专及以下"),
            ("61", "高中", "大专及以下"),
            ("71", "初中", "大专及以下"),
            ("81", "小学", "大专及以下"),
        ],
    ),
    # 学位: GB/T 6864-2003 (学位代码), the 56 values of the national template (V2018.11) in its order,
    # discipline kept (法学学士 is 403, never just 学士). Codes confirmed from a public dump of the
    # standard's table (1 名誉博士, 2 博士, 201–212, 245, 248, 250, 3 硕士, 301–312, 341–352, 4 学士,
    # 401–412, 444). Names as the template spells them: 临床学硕士 (345) and 军士硕士 (352, the
    # standard's 军事硕士; that spelling is a synonym).
    "degree": (
        "学位",
        "GB/T 6864-2003",
        [
            ("1", "名誉博士", "名誉博士"),
            ("2", "博士", "博士"),
            ("201", "哲学博士", "博士"),
            ("202", "经济学博士", "博士"),
            ("203", "法学博士", "博士"),
            ("204", "教育学博士", "博士"),
            ("205", "文学博士", "博士"),
            ("206", "历史学博士", "博士"),
            ("207", "理学博士", "博士"),
            ("208", "工学博士", "博士"),
            ("209", "农学博士", "博士"),
            ("210", "医学博士", "博士"),
            ("211", "军事学博士", "博士"),
            ("212", "管理学博士", "博士"),
            ("245", "临床医学博士", "博士"),
            ("248", "兽医博士", "博士"),
            ("250", "口腔医学博士", "博士"),
            ("3", "硕士", "硕士"),
            ("301", "哲学硕士", "硕士"),
            ("302", "经济学硕士", "硕士"),
            ("303", "法学硕士", "硕士"),
            ("304", "教育学硕士", "硕士"),
            ("305", "文学硕士", "硕士"),
            ("306", "历史学硕士", "硕士"),
            ("307", "理学硕士", "硕士"),
            ("308", "工学硕士", "硕士"),
            ("309", "农学硕士", "硕士"),
            ("310", "医学硕士", "硕士"),
            ("311", "军事学硕士", "硕士"),
            ("312", "管理学硕士", "硕士"),
            ("341", "法律硕士", "硕士"),
            ("342", "教育硕士", "硕士"),
            ("343", "工程硕士", "硕士"),
            ("344", "建筑学硕士", "硕士"),
            ("345", "临床学硕士", "硕士"),
            ("346", "工商管理硕士", "硕士"),
            ("347", "农业推广硕士", "硕士"),
            ("348", "兽医硕士", "硕士"),
            ("349", "公共管理硕士", "硕士"),
            ("350", "口腔医学硕士", "硕士"),
            ("351", "公共卫生硕士", "硕士"),
            ("352", "军士硕士", "硕士"),
            ("4", "学士", "学士"),
            ("401", "哲学学士", "学士"),
            ("402", "经济学学士", "学士"),
            ("403", "法学学士", "学士"),
            ("404", "教育学学士", "学士"),
            ("405", "文学学士", "学士"),
            ("406", "历史学学士", "学士"),
            ("407", "理学学士", "学士"),
            ("408", "工学学士", "学士"),
            ("409", "农学学士", "学士"),
            ("410", "医学学士", "学士"),
            ("411", "军事学学士", "学士"),
            ("412", "管理学学士", "学士"),
            ("444", "建筑学学士", "学士"),
        ],
    ),
    "leadership_level": (
        "职务层次",
        "ZB09",
        [
            ("1A31", "县处级正职", "县处级"),
            ("1A32", "县处级副职", "县处级"),
            ("1A41", "乡科级正职", "正科"),
            ("1A42", "乡科级副职", "副科"),
            ("1A50", "科员", "科员及以下"),
            ("1A60", "办事员", "科员及以下"),
            ("1A98", "试用期人员", "科员及以下"),
            ("1A99", "其他", "其他"),
        ],
    ),
    "civil_service_rank": (
        "公务员职级",
        "2019年职务职级并行",
        [
            ("11", "一级巡视员", ""),
            ("12", "二级巡视员", ""),
            ("13", "一级调研员", ""),
            ("14", "二级调研员", ""),
            ("15", "三级调研员", ""),
            ("16", "四级调研员", ""),
            ("17", "一级主任科员", ""),
            ("18", "二级主任科员", ""),
            ("19", "三级主任科员", ""),
            ("1A", "四级主任科员", ""),
            ("1B", "一级科员", ""),
            ("1C", "二级科员", ""),
        ],
    ),
    # 考核结果: 考核结论类别代码 ZB18, the 14 values of the national template (V2018.11) in its
    # order. Codes confirmed from the national software's own import of 年度考核结果 (a public
    # reproduction, repository HuangHL92/ZHGBSYS, SaveLrmFile writing A15.A1517): 1 优秀, 2 称职,
    # 2B 合格, 3 基本称职, 3B 基本合格, 4 不称职, 4B 不合格, 5 不定等次, 5A/5B/5C the three
    # 不确定等次, 6 不进行考核, 6A 病、事假…, 6B 其他原因不进行考核. The codes the registry used
    # before (1–6) keep their meaning.
    "assessment_result": (
        "考核结果",
        "ZB18",
        [
            ("1", "优秀", ""),
            ("2", "称职", ""),
            ("2B", "合格", ""),
            ("3", "基本称职", ""),
            ("3B", "基本合格", ""),
            ("4", "不称职", ""),
            ("4B", "不合格", ""),
            ("5", "不定等次", ""),
            ("5A", "新录用人员试用期年度考核不确定等次", ""),
            ("5B", "被立案调查尚未结案年度考核不确定等次", ""),
            ("5C", "受政纪处分期间年度考核不确定等次", ""),
            ("6", "不进行考核", ""),
            ("6A", "病、事假累计超过考核年度半年不进行考核", ""),
            ("6B", "其他原因不进行考核", ""),
        ],
    ),
    # 家庭成员称谓: GB/T 4761-2008 家庭关系代码 (10 配偶 … 97 其他亲属, without 01 本人, 02 户主,
    # 80 其他 (a heading) and 99 非亲属), named as the national template (V2018.11) spells the
    # 71 values clerks use (丈夫 for the standard's 夫, 儿子 for 子, 哥哥 for 兄, 嫂子 for 嫂, 姨夫 for
    # 姨父; the standard's names are synonyms). Codes confirmed against public copies of the
    # standard's list (e.g. BL.StandardDictionary DicFamilyRelation, a 承包经营 export's
    # GetRelationship: 10 配偶, 11 夫, 12 妻, 20 子 … 27 养子或继子, 28 女婿, 29 其他儿子, 30 女 …
    # 51 父亲, 52 母亲, 53 公公 … 57 继父或养父, 58 继母或养母 … 71 兄 … 91 堂兄弟、堂姐妹,
    # 92 表兄弟、表姐妹 … 97 其他亲属).
    # Where the template names people the standard merges into one code (养子 / 继子 are both 27
    # 养子或继子; 37, 57, 58, 91, 92 likewise), each gets a three-digit LOCAL code: the standard's
    # two digits and a local serial (271 养子, 272 继子). These third digits are ours, not the
    # standard's: `gb4761_code` gives the standard's code of any value.
    "family_relation": (
        "家庭成员称谓",
        "GB/T 4761-2008",
        [
            ("10", "配偶", "配偶"),
            ("11", "丈夫", "配偶"),
            ("12", "妻子", "配偶"),
            ("20", "儿子", "子女"),
            ("21", "独生子", "子女"),
            ("22", "长子", "子女"),
            ("23", "次子", "子女"),
            ("24", "三子", "子女"),
            ("25", "四子", "子女"),
            ("26", "五子", "子女"),
            ("27", "养子或继子", "子女"),
            ("271", "养子", "子女"),
            ("272", "继子", "子女"),
            ("28", "女婿", "子女"),
            ("29", "其他儿子", "子女"),
            ("30", "女儿", "子女"),
            ("31", "独生女", "子女"),
            ("32", "长女", "子女"),
            ("33", "次女", "子女"),
            ("34", "三女", "子女"),
            ("35", "四女", "子女"),
            ("36", "五女", "子女"),
            ("37", "养女或继女", "子女"),
            ("371", "养女", "子女"),
            ("372", "继女", "子女"),
            ("38", "儿媳", "子女"),
            ("39", "其他女儿", "子女"),
            ("40", "孙子、孙女或外孙子、外孙女", "孙辈"),
            ("41", "孙子", "孙辈"),
            ("42", "孙女", "孙辈"),
            ("43", "外孙子", "孙辈"),
            ("44", "外孙女", "孙辈"),
            ("45", "孙媳妇或外孙媳妇", "孙辈"),
            ("46", "孙女婿或外孙女婿", "孙辈"),
            ("47", "曾孙子或外曾孙子", "孙辈"),
            ("48", "曾孙女或外曾孙女", "孙辈"),
            ("49", "其他孙子、孙女或外孙子、外孙女", "孙辈"),
            ("50", "父母", "父母"),
            ("51", "父亲", "父母"),
            ("52", "母亲", "父母"),
            ("53", "公公", "父母"),
            ("54", "婆婆", "父母"),
            ("55", "岳父", "父母"),
            ("56", "岳母", "父母"),
            ("57", "继父或养父", "父母"),
            ("571", "继父", "父母"),
            ("572", "养父", "父母"),
            ("58", "继母或养母", "父母"),
            ("581", "继母", "父母"),
            ("582", "养母", "父母"),
            ("59", "其他父母关系", "父母"),
            ("60", "祖父母或外祖父母", "祖辈"),
            ("61", "祖父", "祖辈"),
            ("62", "祖母", "祖辈"),
            ("63", "外祖父", "祖辈"),
            ("64", "外祖母", "祖辈"),
            ("65", "配偶的祖父母或外祖父母", "祖辈"),
            ("66", "曾祖父", "祖辈"),
            ("67", "曾祖母", "祖辈"),
            ("68", "配偶的曾祖父母或外曾祖父母", "祖辈"),
            ("69", "其他祖父母或外祖父母关系", "祖辈"),
            ("70", "兄弟姐妹", "兄弟姐妹"),
            ("71", "哥哥", "兄弟姐妹"),
            ("72", "嫂子", "兄弟姐妹"),
            ("73", "弟弟", "兄弟姐妹"),
            ("74", "弟媳", "兄弟姐妹"),
            ("75", "姐姐", "兄弟姐妹"),
            ("76", "姐夫", "兄弟姐妹"),
            ("77", "妹妹", "兄弟姐妹"),
            ("78", "妹夫", "兄弟姐妹"),
            ("79", "其他兄弟姐妹", "兄弟姐妹"),
            ("81", "伯父", "其他亲属"),
            ("82", "伯母", "其他亲属"),
            ("83", "叔父", "其他亲属"),
            ("84", "婶母", "其他亲属"),
            ("85", "舅父", "其他亲属"),
            ("86", "舅母", "其他亲属"),
            ("87", "姨夫", "其他亲属"),
            ("88", "姨母", "其他亲属"),
            ("89", "姑父", "其他亲属"),
            ("90", "姑母", "其他亲属"),
            ("91", "堂兄弟、堂姐妹", "其他亲属"),
            ("911", "堂兄", "其他亲属"),
            ("912", "堂弟", "其他亲属"),
            ("913", "堂姐", "其他亲属"),
            ("914", "堂妹", "其他亲属"),
            ("92", "表兄弟、表姐妹", "其他亲属"),
            ("921", "表兄", "其他亲属"),
            ("922", "表弟", "其他亲属"),
            ("923", "表姐", "其他亲属"),
            ("924", "表妹", "其他亲属"),
            ("93", "侄子", "其他亲属"),
            ("94", "侄女", "其他亲属"),
            ("95", "外甥", "其他亲属"),
            ("96", "外甥女", "其他亲属"),
            ("97", "其他亲属", "其他亲属"),
        ],
    ),
    # 人员类别: 人员类别代码 ZB125, the 12 values of the national template (V2018.11) in its order.
    # No public source gives the national table's names next to its codes. What the national software
    # shows (repository HuangHL92/ZHGBSYS, the statistics pages selecting people by A0160; a real
    # export, repository JoneWold/wdy_jfinal_demo, download/testF/Table/A01.xml):
    # - CONFIRMED: 1 公务员 (the 公务员 statistics select A0160='1', commented 公务员; the civil servants
    #   of the export's 行政机关 carry A0160="1").
    # - INFERRED (the code seen with its meaning, not as a name–code pair): 5 参照管理机关工作人员 (the
    #   statistics of 参照公务员法管理的群团机关 select A0160='5') and 6 参照管理事业单位工作人员 (those of
    #   参公事业单位 select A0160='6'; in the export a 事业单位's staff member has A0160="6").
    # - NOT confirmed, LOCAL codes (代码待核): 04–11, numbered in the template's order, to be replaced by
    #   the national codes when known; 其他人员 keeps the registry's code 9; 村（社区）干部 (4) is a local
    #   value the national table lacks, kept for the villages' cadres.
    # 5 and 05 (6 and 06) are different values: 5 参照管理机关工作人员, 05 事业单位专业技术人员.
    # Until org 0006 / cadres 0013 the two 参照管理 values had the local codes 02 and 03; those
    # migrations recode the table and the stored records (02 → 5, 03 → 6). The registry's former
    # 参公人员 (2) and 事业人员 (3) are each two national values: see HISTORICAL.
    "personnel_category": (
        "人员类别",
        "ZB125（1 已核，5、6 推定，其余代码待核）",
        [
            ("1", "公务员", ""),
            ("5", "参照管理机关工作人员", ""),
            ("6", "参照管理事业单位工作人员", ""),
            ("04", "事业单位管理人员", ""),
            ("05", "事业单位专业技术人员", ""),
            ("06", "在机关工作的事业编制人员", ""),
            ("07", "机关工勤人员", ""),
            ("08", "事业单位工勤人员", ""),
            ("09", "企业管理人员", ""),
            ("10", "企业专业技术人员", ""),
            ("11", "企业工勤人员", ""),
            ("9", "其他人员", ""),
            ("4", "村（社区）干部", ""),
        ],
    ),
    "establishment": ("编制类型", "本地", [("1", "行政编制", ""), ("2", "事业编制", ""), ("9", "其他", "")]),
}

# Values of earlier tables that stored records may carry: loaded inactive by the data migration
# (org 0005), shown for the records that have them, refused for new data.
HISTORICAL: dict[str, list[Item]] = {
    # ZB64 before V2018.11 (a public county organisation system's dump of its table, pc_edu_code, an
    # older variant whose other codes differ): no longer in the national list.
    "education": [("24", "第二学士学位班", "大学"), ("44", "职业高中", "大专及以下")],
    # The registry's own former values; each is two national values, so records keep them until a
    # clerk chooses (参照管理机关 / 事业单位工作人员; 事业单位管理 / 专业技术人员).
    "personnel_category": [("2", "参公人员", ""), ("3", "事业人员", "")],
}


def _degree_synonyms() -> dict[str, str]:
    """Every degree also as written with 学位 (法学学士学位 → 法学学士)."""
    return {f"{name}学位": name for _, name, _ in CODE_TABLES["degree"][2]}


# What clerks type → the name of the value it means (one value only; see the module docstring).
# Matching ignores spaces and the width of brackets (`CodeBook.code_for`), so 省(区、市)委党校大学
# and 省（区、市）委党校大学 are one entry.
SYNONYMS: dict[str, dict[str, str]] = {
    "education": {
        "大学本科": "大学",
        "本科": "大学",
        "大学本科毕业": "大学",
        "大学专科": "大专",
        "专科": "大专",
        "大学专科毕业": "大专",
        "在职研究生": "研究生",
        "硕士研究生": "研究生",
        "博士研究生": "研究生",
        "硕士生班": "研究生班",
        "省（区、市）委党校研究生": "省委党校研究生",
        "省（区、市）委党校大学": "省委党校大学",
        "省（区、市）委党校大专": "省委党校大专",
        "中等专科": "中专",
        "技工学校": "中技",
        "普通高中": "高中",
    },
    "degree": {
        **_degree_synonyms(),
        "军事硕士": "军士硕士",  # the standard's name; the template writes 军士硕士
        "临床医学硕士": "临床学硕士",
    },
    "assessment_result": {
        "不确定等次": "不定等次",
    },
    "family_relation": {
        # the standard's own names where the template writes another
        "夫": "丈夫",
        "妻": "妻子",
        "子": "儿子",
        "女": "女儿",
        "兄": "哥哥",
        "嫂": "嫂子",
        "弟": "弟弟",
        "姐": "姐姐",
        "妹": "妹妹",
        "姨父": "姨夫",
        "其他": "其他亲属",
        "其它亲属": "其他亲属",
        # everyday words
        "爱人": "配偶",
        "老伴": "配偶",
        "老公": "丈夫",
        "老婆": "妻子",
        "儿": "儿子",
        "爸爸": "父亲",
        "妈妈": "母亲",
        "父": "父亲",
        "母": "母亲",
        "儿媳妇": "儿媳",
        "外孙": "外孙子",
        "爷爷": "祖父",
        "奶奶": "祖母",
        "外公": "外祖父",
        "外婆": "外祖母",
        "叔叔": "叔父",
        "婶婶": "婶母",
        "舅舅": "舅父",
        "姑姑": "姑母",
        "姨妈": "姨母",
    },
    "personnel_category": {
        "其他": "其他人员",
    },
    # the short forms on rosters: 汉 → 汉族, 蒙古 → 蒙古族 … (every name but its last character 族)
    "ethnicity": {name[:-1]: name for name in ETHNIC_NAMES if name.endswith("族")},
    "political_status": {
        "党员": "中共党员",
        "共产党员": "中共党员",
        "中国共产党党员": "中共党员",
        "预备党员": "中共预备党员",
        "团员": "共青团员",
        "民革": "民革党员",
        "民盟": "民盟盟员",
        "民建": "民建会员",
        "民进": "民进会员",
        "农工党": "农工党党员",
        "致公党": "致公党党员",
        "九三学社": "九三学社社员",
        "台盟": "台盟盟员",
        "无党派": "无党派人士",
    },
    "leadership_level": {
        "正科": "乡科级正职",
        "正科级": "乡科级正职",
        "副科": "乡科级副职",
        "副科级": "乡科级副职",
        "正处": "县处级正职",
        "正处级": "县处级正职",
        "副处": "县处级副职",
        "副处级": "县处级副职",
    },
}

# What clerks type that could mean more than one value: refused with the candidates named, never
# taken as one of them (「科级」 is 乡科级正职 or 乡科级副职; 「主任科员」 one of four grades).
AMBIGUOUS: dict[str, dict[str, tuple[str, ...]]] = {
    "leadership_level": {
        "科级": ("乡科级正职", "乡科级副职"),
        "处级": ("县处级正职", "县处级副职"),
        "领导职务": ("县处级正职", "县处级副职", "乡科级正职", "乡科级副职"),
    },
    "civil_service_rank": {
        "主任科员": ("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"),
        "调研员": ("一级调研员", "二级调研员", "三级调研员", "四级调研员"),
        "巡视员": ("一级巡视员", "二级巡视员"),
        "科员": ("一级科员", "二级科员"),
    },
    "personnel_category": {
        "参公人员": ("参照管理机关工作人员", "参照管理事业单位工作人员"),
        "参公": ("参照管理机关工作人员", "参照管理事业单位工作人员"),
        "事业人员": ("事业单位管理人员", "事业单位专业技术人员"),
    },
}


def gb4761_code(code: str) -> str:
    """The GB/T 4761-2008 code of a 家庭成员称谓 value: the local three-digit codes (271 养子) are
    the standard's two digits (27 养子或继子) and a local serial."""
    return code[:2]
