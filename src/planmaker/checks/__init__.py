"""What `planmaker check` finds in a plan, and what `build` refuses: the campaign's text
(`campaign`: annexes asked for, literal dates, jurisdiction words), the plan's dates (`dates`),
dated wording, made-up citations and local nouns (`wording`), slips in the printed text (`slips`),
every document rendered as build will (`render`), and all of them together (`problems`).
May import base, inputs, plan, office and kinds; never writing, collect, importer or commands."""
