"""Three documents as a clerk receives them, written for the import tests (not taken from the seeds):
a city's 印发通知 wrapping its plan, a national 方案 with forms as annexes, and a provincial plan that
cites laws with their dates and a session of a higher body.

Each is a list of lines: ``^`` centres a line (a title), ``>`` sets it flush right (a signature),
``|a|b|`` is a row of a table.  ``as_text`` and ``as_docx`` write the same document as .txt and as a
Word file laid out as a 公文 (title centred, paragraphs indented by two characters), from which the
tests make .doc and PDF with LibreOffice.
"""

from __future__ import annotations

from pathlib import Path

CITY_NOTICE = """^绵阳市卫生健康委员会文件
^绵卫发〔2024〕21号
^绵阳市卫生健康委员会关于印发《绵阳市2024年医疗机构违规收费专项整治工作方案》的通知
各县（市、区）卫生健康局，委直属各医疗机构：
现将《绵阳市2024年医疗机构违规收费专项整治工作方案》印发给你们，请结合实际认真抓好落实。
>绵阳市卫生健康委员会
>2024年3月18日
（此件公开发布）
^绵阳市2024年医疗机构违规收费专项整治工作方案
为规范医疗服务收费行为，切实维护群众合法权益，按照省纠风工作领导小组的统一部署，根据《四川省卫生健康委员会关于开展2024年医疗服务收费专项检查的通知》（川卫办发〔2024〕9号）要求，结合我市实际，制定本方案。
一、工作目标
通过集中整治，全市医疗机构违规收费问题得到有效遏制，市直医疗机构全面建立收费内部稽核制度，群众就医负担进一步减轻。
二、整治重点
（一）分解收费和重复收费。对照医疗服务价格项目规范，清理分解项目收费、重复收费问题。
（二）超标准收费。依据《医疗机构医疗保障定点管理暂行办法》（2021年2月1日起施行），重点查处超过政府指导价收费、自立项目收费等行为。
（三）价格公示不到位。督促医疗机构在显著位置公示常用药品、医用耗材和医疗服务价格。
三、实施步骤
（一）动员部署阶段（2024年3月—4月）。市卫生健康委召开动员会，各县（市、区）卫生健康局制定本地实施方案。
（二）自查自纠阶段（2024年5月—6月）。各医疗机构对照整治重点开展自查，于6月30日前将自查报告报市卫生健康委。
（三）督查整改阶段（2024年7月—10月）。市卫生健康委会同市医疗保障局、市市场监管局对市直医疗机构开展全覆盖检查。
（四）总结提高阶段（2024年11月—12月）。各县（市、区）卫生健康局于2024年12月10日前报送工作总结。
四、工作要求
（一）加强组织领导。市卫生健康委成立专项整治工作专班，各医疗机构主要负责人为第一责任人。
（二）强化结果运用。检查结果纳入医疗机构年度绩效考核，对整改不力的单位在全市通报。
>绵阳市卫生健康委员会
>2024年3月18日
"""

NATIONAL_PLAN = """^2025年基层医疗卫生机构合理用药监测工作方案
为贯彻落实党的二十大精神和《国务院办公厅关于进一步完善医疗卫生服务体系的意见》要求，掌握基层医疗卫生机构合理用药情况，国家卫生健康委决定在全国范围内开展基层医疗卫生机构合理用药监测工作。自2023年起，全国已有16个省（直辖市）开展试点，2024年共监测基层医疗卫生机构2300家。
一、监测目标
了解基层医疗卫生机构处方用药情况，为完善国家基本药物制度提供依据。
二、监测范围
（一）监测地区。监测范围为全国31个省（区、市），每省选取2个项目县，每个项目县选取5家乡镇卫生院。
（二）监测内容。处方用药品种、抗菌药物使用率、注射剂使用率等。
三、实施步骤
（一）第一阶段：2025年5月—6月。各省级卫生健康行政部门确定项目县和监测机构，于2025年6月20日前将监测点基本情况表报国家卫生健康委。
（二）第二阶段：2025年7月—10月。监测机构按月填报监测数据表。
（三）第三阶段：2025年11月—12月。国家卫生健康委汇总分析监测数据，形成全国监测报告。
四、工作要求
（一）加强组织实施。国家卫生健康委负责全国监测工作的组织实施，各省级卫生健康行政部门负责本辖区监测工作。
（二）保证数据质量。监测机构对填报数据的真实性负责，不得漏报、瞒报。
附件：1.监测点基本情况表
2.基层医疗卫生机构合理用药监测数据表
>国家卫生健康委办公厅
>2025年4月25日
附件1
^监测点基本情况表
|序号|项目县名称|监测机构名称|机构类型|服务人口（万人）|
|1| | | | |
|2| | | | |
附件2
^基层医疗卫生机构合理用药监测数据表
|项目|处方数（张）|使用抗菌药物处方数（张）|使用注射剂处方数（张）|
|门诊| | | |
|住院| | | |
"""

PROVINCIAL_PLAN = """^江西省2024年纠正医药购销领域和医疗服务中不正之风专项整治实施方案
为深入贯彻落实省委十五届五次全体（扩大）会议精神，按照国家卫生健康委等14部门联合印发的《2024年纠正医药购销领域和医疗服务中不正之风工作要点》（国卫医急发〔2024〕13号）要求，结合我省实际，制定本方案。2023年，全省共查处医药购销领域不正之风案件126起。
一、工作目标
以《医疗保障基金使用监督管理条例》（2021年5月1日起施行）和2022年3月1日起施行的《中华人民共和国医师法》为依据，推动全省医疗机构依法执业，省直医疗机构率先建立廉洁从业长效机制。
二、重点任务
（一）整治违规收受回扣行为。重点查处医务人员收受药品耗材回扣等行为。（省卫生健康委负责）
（二）整治欺诈骗保行为。重点查处虚构医疗服务、伪造医疗文书骗取医保基金等行为。（省医保局负责）
（三）整治不合理检查。重点治理过度检查、重复检查等问题。（省卫生健康委牵头，省医保局配合）
三、实施步骤
（一）部署阶段（2024年4月）。各设区市卫生健康委制定本地实施方案，报省卫生健康委备案。
（二）整治阶段（2024年5月—9月）。各设区市对照重点任务开展集中整治，省卫生健康委组织交叉检查。
（三）总结阶段（2024年10月—11月）。各设区市于2024年11月15日前将工作总结报省卫生健康委。
四、工作要求
（一）压实工作责任。各地各单位要把专项整治作为一项重要政治任务，主要负责同志亲自部署。
（二）严肃追责问责。对工作不力、问题突出的单位，在全省范围内通报批评。
>江西省卫生健康委员会
>2024年3月29日
"""

# a county's 转发 notice wrapping its city's joint 印发 notice wrapping the plan; the plan's 附件 list before
# its 落款 of two bodies, one a line; a task table and a statistics form as its annexes
FORWARDED = """^荥经县卫生健康局文件
^荥卫发〔2024〕5号
^荥经县卫生健康局关于转发《雅安市卫生健康委员会 雅安市医疗保障局关于印发〈雅安市2024年医疗机构收费检查工作方案〉的通知》的通知
各乡镇卫生院，县级各医疗机构：
现将《雅安市卫生健康委员会 雅安市医疗保障局关于印发〈雅安市2024年医疗机构收费检查工作方案〉的通知》转发给你们，请认真贯彻执行。
>荥经县卫生健康局
>2024年4月2日
^雅安市卫生健康委员会 雅安市医疗保障局关于印发《雅安市2024年医疗机构收费检查工作方案》的通知
^雅卫发〔2024〕18号
各县（区）卫生健康局、医疗保障局，市级各医疗机构：
现将《雅安市2024年医疗机构收费检查工作方案》印发给你们，请认真组织实施。
>雅安市卫生健康委员会
>雅安市医疗保障局
>2024年3月25日
^雅安市2024年医疗机构收费检查工作方案
为规范医疗机构收费行为，减轻群众就医负担，结合我市实际，制定本方案。
一、工作目标
通过检查，全市医疗机构收费行为进一步规范，市级医疗机构收费公示率达到100%。
二、重点任务
（一）规范收费公示。各医疗机构在门诊大厅公示医疗服务价格和常用药品价格，接受群众监督。
（二）查处违规收费。市卫生健康委会同市医疗保障局查处分解收费、重复收费等行为，对查实的问题依法处理。
三、工作要求
（一）各县（区）卫生健康局要会同医疗保障局加强组织领导，明确分管领导和具体责任人，制定检查计划，确保检查工作按时完成
（二）加强信息报送。各县（区）于2024年11月30日前将统计表报市卫生健康委。
附件：1.重点任务分工表
2.医疗机构收费检查情况统计表
>雅安市卫生健康委员会
>雅安市医疗保障局
>2024年3月25日
附件1
^重点任务分工表
|序号|重点任务|牵头单位|配合单位|
|1|规范收费公示|市卫生健康委|市医疗保障局|
|2|查处违规收费|市医疗保障局|市卫生健康委|
附件2
^医疗机构收费检查情况统计表
|类别|项目|应检查|已检查|发现问题|
|检查情况|医院| | | |
| |卫生院| | | |
| |诊所| | | |
"""

DOCUMENTS = {"city-notice": CITY_NOTICE, "national": NATIONAL_PLAN, "provincial": PROVINCIAL_PLAN}


def _lines(document: str) -> list[tuple[str, str]]:
    """(mark, text): mark is ^, >, | or "" for an ordinary paragraph."""
    out = []
    for line in document.strip().splitlines():
        mark = line[0] if line[0] in "^>|" else ""
        out.append((mark, line if mark == "|" else line[len(mark):]))
    return out


def as_text(document: str) -> str:
    """As pasted from a web page: a table's cells one a line, each begun by a tab, rows apart."""
    out = []
    for mark, text in _lines(document):
        if mark == "|":
            out.extend("\t" + cell.strip() for cell in text.strip("|").split("|"))
            out.append("")
        else:
            out.append(text)
    return "\n".join(out) + "\n"


def as_docx(document: str, path: Path, ruled: bool = True) -> Path:
    """``ruled``: tables with rules (Table Grid), else none drawn (a PDF made from it shows no cells)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = "FangSong"
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            if ruled:
                table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
            rows.clear()

    for mark, text in _lines(document):
        if mark == "|":
            rows.append([cell.strip() for cell in text.strip("|").split("|")])
            continue
        flush()
        paragraph = doc.add_paragraph(text)
        if mark == "^":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif mark == ">":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
    flush()
    _running_heads(doc)
    doc.save(str(path))
    return path


def _running_heads(doc) -> None:
    """A header on every page and the page number as 公文 print it (— 3 —): the PDF reader drops both."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = doc.sections[0]
    section.header.paragraphs[0].text = "内部资料　注意保存"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
