"""Makes numbered.doc, the list-numbering test document of the legacy Word reader.

A python-docx document with lists defined in numbering.xml (一、 / （一） / 1. in chineseCounting and decimal, ③
in decimalEnclosedCircle starting at 3, an instance restarting level 2, Heading 1 linked to the list, numbered
paragraphs in table cells), saved as Word 97 by LibreOffice:

    python3 numbered.py && soffice --headless --convert-to 'doc:MS Word 97' numbered.docx

LibreOffice's own rendering of numbered.doc (`soffice --convert-to txt`) shows the labels the test expects.
"""
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
d = Document()
numbering = d.part.numbering_part.element
absxml = f'''<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
 <w:multiLevelType w:val="multilevel"/>
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>'''
abs2 = f'''<w:abstractNum {nsdecls("w")} w:abstractNumId="91">
 <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>'''
first_num = numbering.find(qn('w:num'))
for x in (absxml, abs2):
    el = parse_xml(x)
    if first_num is not None: first_num.addprevious(el)
    else: numbering.append(el)
numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="90"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
# heading style linked to the list
h1 = d.styles['Heading 1']
ppr = h1.element.get_or_add_pPr()
ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
def num(p, numid, lvl):
    p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{lvl}"/><w:numId w:val="{numid}"/></w:numPr>'))
d.add_paragraph('测试局2022年政府信息公开工作年度报告')
d.add_heading('总体情况', level=1)
num(d.add_paragraph('主动公开'), 90, 1)
num(d.add_paragraph('依申请公开'), 90, 1)
num(d.add_paragraph('细项甲'), 90, 2)
num(d.add_paragraph('细项乙'), 90, 2)
num(d.add_paragraph('政府信息管理'), 90, 1)
d.add_heading('主动公开政府信息情况', level=1)
num(d.add_paragraph('圈号一'), 91, 0)
num(d.add_paragraph('圈号二'), 91, 0)
d.add_heading('收到和处理政府信息公开申请情况', level=1)
num(d.add_paragraph('重新开始的二级'), 92, 1)
num(d.add_paragraph('接着的二级'), 92, 1)
t = d.add_table(rows=2, cols=2)
t.cell(0,0).text = '予以公开'; num(t.cell(0,0).paragraphs[0], 90, 1)
t.cell(0,1).text = '19'
t.cell(1,0).text = '部分公开'; num(t.cell(1,0).paragraphs[0], 90, 1)
t.cell(1,1).text = '1'
d.add_heading('行政复议', level=1)
d.save('numbered.docx')
