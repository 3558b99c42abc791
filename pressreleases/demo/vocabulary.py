"""Words and sentence templates for demo releases, written for this project.

Per field of work: what events are about (`subjects`, read after "on"), who takes part, what a
statement welcomes or worries about, and the same subjects in Russian (dative, read after "по").
Slots in templates are filled by `pressreleases.demo.text`.
"""

from typing import NamedTuple


class Topic(NamedTuple):
    subjects: tuple[str, ...]
    participants: tuple[str, ...]
    welcomes: tuple[str, ...]
    concerns: tuple[str, ...]
    tags: tuple[str, ...]
    ru_subjects: tuple[str, ...]


TOPICS: dict[str, Topic] = {
    "arms-control": Topic(
        (
            "the safe storage of small arms and light weapons",
            "the destruction of surplus ammunition",
            "confidence- and security-building measures",
            "stockpile management",
            "the control of conventional arms transfers",
        ),
        ("defence ministry officials", "ammunition technicians", "arms control inspectors"),
        (
            "the destruction of a further stock of surplus ammunition",
            "the exchange of military information under the Vienna Document",
        ),
        ("unexploded ordnance left near residential areas",),
        ("small arms", "ammunition safety"),
        ("контролю над стрелковым оружием", "безопасному хранению боеприпасов"),
    ),
    "border-management": Topic(
        (
            "integrated border management",
            "risk analysis at border crossing points",
            "detecting forged travel documents",
            "co-operation between border and customs services",
            "patrolling green borders",
        ),
        ("border police officers", "customs officials", "border guards"),
        (
            "the opening of a jointly run border crossing point",
            "a new agreement on exchanging information between border agencies",
        ),
        ("long delays for travellers at border crossing points",),
        ("border security", "customs"),
        ("управлению границами", "выявлению поддельных документов"),
    ),
    "combating-trafficking-in-human-beings": Topic(
        (
            "identifying victims of human trafficking",
            "financial investigations into trafficking networks",
            "the protection of trafficked children",
            "labour exploitation in supply chains",
        ),
        ("labour inspectors", "prosecutors", "social workers", "NGO representatives"),
        ("the adoption of a national action plan against human trafficking",),
        (
            "the rising number of people trafficked for forced labour",
            "gaps in assistance to victims of trafficking",
        ),
        ("human trafficking", "victim protection"),
        ("противодействию торговле людьми", "защите жертв торговли людьми"),
    ),
    "conflict-prevention-and-resolution": Topic(
        (
            "early warning and early action",
            "mediation and dialogue",
            "confidence-building across dividing lines",
            "the role of women in peace processes",
        ),
        ("mediators", "local community leaders", "diplomats"),
        (
            "the resumption of talks within the agreed negotiation format",
            "the agreement to reopen a crossing point for civilians",
        ),
        ("renewed tension along the contact line", "restrictions on the freedom of movement"),
        ("mediation", "dialogue"),
        ("предотвращению конфликтов", "посредничеству и диалогу"),
    ),
    "countering-terrorism": Topic(
        (
            "preventing violent extremism and radicalization that lead to terrorism",
            "protecting critical infrastructure from terrorist attacks",
            "countering the financing of terrorism",
            "travel document security",
        ),
        ("counter-terrorism officers", "financial intelligence analysts", "community police"),
        ("the adoption of a national strategy on preventing violent extremism",),
        ("the misuse of the Internet for terrorist purposes",),
        ("counter-terrorism", "violent extremism"),
        ("противодействию терроризму", "предотвращению насильственного экстремизма"),
    ),
    "cyber-ict-security": Topic(
        (
            "cyber/ICT confidence-building measures",
            "the protection of critical information infrastructure",
            "responding to cyber incidents",
            "national cyber security strategies",
        ),
        ("cyber security experts", "computer emergency response teams", "policy makers"),
        ("the first use of the OSCE communications checks between points of contact",),
        ("the growing number of attacks on public information systems",),
        ("cybersecurity", "digital"),
        ("кибербезопасности", "мерам укрепления доверия в киберпространстве"),
    ),
    "democratization": Topic(
        (
            "the work of parliamentary committees",
            "public participation in local decision making",
            "the funding of political parties",
            "ethics in public office",
        ),
        ("members of parliament", "municipal councillors", "civil society activists"),
        ("the adoption of a new law on public participation",),
        ("pressure on civil society organizations",),
        ("parliaments", "civil society"),
        ("развитию парламентской демократии", "участию граждан в принятии решений"),
    ),
    "economic-activities": Topic(
        (
            "trade facilitation and transport connectivity",
            "a good business climate for small companies",
            "digital tools for customs clearance",
            "women's economic empowerment",
        ),
        ("entrepreneurs", "trade officials", "chamber of commerce representatives"),
        ("steps taken to simplify the registration of new businesses",),
        ("obstacles to regional trade",),
        ("connectivity", "business"),
        ("развитию торговли и транспортных связей", "улучшению делового климата"),
    ),
    "education": Topic(
        (
            "human rights education in schools",
            "inclusive education",
            "teaching history in divided communities",
            "security awareness in universities",
        ),
        ("teachers", "school principals", "university lecturers"),
        ("the introduction of a new civic education curriculum",),
        ("the segregation of pupils along ethnic lines",),
        ("education", "schools"),
        ("образованию в области прав человека", "инклюзивному образованию"),
    ),
    "elections": Topic(
        (
            "the observation of elections",
            "the accessibility of polling stations",
            "electoral dispute resolution",
            "the training of polling station staff",
            "campaign finance oversight",
        ),
        ("election administrators", "election observers", "polling station staff"),
        (
            "the peaceful conduct of the parliamentary elections",
            "amendments to the electoral code that follow earlier recommendations",
        ),
        ("the misuse of public resources during the campaign",),
        ("elections", "election observation"),
        ("наблюдению за выборами", "совершенствованию избирательного законодательства"),
    ),
    "environmental-activities": Topic(
        (
            "the management of shared water resources",
            "disaster risk reduction",
            "the clean-up of uranium legacy sites",
            "public access to environmental information",
        ),
        ("environmental inspectors", "emergency services staff", "Aarhus Centre staff"),
        ("the opening of a new Aarhus Centre",),
        ("the risk of floods in border regions",),
        ("environment", "climate"),
        ("управлению водными ресурсами", "снижению экологических рисков"),
    ),
    "gender-equality": Topic(
        (
            "preventing violence against women",
            "women's leadership in the security sector",
            "gender-responsive budgeting",
            "support for survivors of domestic violence",
        ),
        ("women police officers", "gender focal points", "women leaders"),
        ("the ratification of a convention on preventing violence against women",),
        ("the low number of women in decision-making posts",),
        ("gender equality", "women"),
        ("гендерному равенству", "предотвращению насилия в отношении женщин"),
    ),
    "good-governance": Topic(
        (
            "preventing corruption in public procurement",
            "asset declarations of public officials",
            "countering money laundering",
            "transparent public finances",
        ),
        ("anti-corruption investigators", "public procurement officers", "auditors"),
        ("the launch of an online register of beneficial owners",),
        ("delays in adopting anti-corruption legislation",),
        ("anti-corruption", "transparency"),
        ("противодействию коррупции", "прозрачности государственных финансов"),
    ),
    "human-rights": Topic(
        (
            "the prevention of torture",
            "freedom of peaceful assembly",
            "the rights of persons with disabilities",
            "human rights monitoring",
        ),
        ("human rights defenders", "ombudsperson staff", "lawyers"),
        ("the release of human rights defenders",),
        ("reports of ill-treatment in places of detention",),
        ("human rights", "ombudsperson"),
        ("защите прав человека", "предотвращению пыток"),
    ),
    "media-freedom-and-development": Topic(
        (
            "the safety of journalists",
            "media literacy",
            "access to information",
            "the independence of public service broadcasting",
            "media self-regulation",
        ),
        ("journalists", "editors", "media students"),
        ("the decriminalization of defamation",),
        ("the detention of journalists covering protests", "attacks on journalists"),
        ("media freedom", "journalists"),
        ("свободе средств массовой информации", "безопасности журналистов"),
    ),
    "migration": Topic(
        (
            "migration-related crime",
            "the protection of labour migrants",
            "the registration of migrants",
            "migration data and statistics",
        ),
        ("migration officers", "consular staff", "police investigators"),
        ("a new agreement on the social protection of labour migrants",),
        ("the situation of migrants stranded at borders",),
        ("migration", "labour migration"),
        ("управлению миграцией", "защите прав трудящихся-мигрантов"),
    ),
    "national-minority-issues": Topic(
        (
            "minority language education",
            "the participation of national minorities in public life",
            "integration of diverse societies",
            "minority media",
        ),
        ("minority community representatives", "local government officials", "teachers"),
        ("the adoption of a law on the use of languages",),
        ("tensions between communities in mixed municipalities",),
        ("national minorities", "integration"),
        ("правам национальных меньшинств", "языковой политике в многонациональном обществе"),
    ),
    "policing": Topic(
        (
            "community policing",
            "the investigation of cybercrime",
            "combating illicit drugs",
            "intelligence-led policing",
            "the policing of public assemblies",
        ),
        ("police officers", "criminal investigators", "police academy instructors"),
        ("the opening of a new police training centre",),
        ("the rise in organized property crime",),
        ("police", "organized crime"),
        ("общественно ориентированной полицейской деятельности", "расследованию киберпреступлений"),
    ),
    "reform-and-co-operation-in-the-security-sector": Topic(
        (
            "security sector governance",
            "parliamentary oversight of the security sector",
            "the integrity of defence institutions",
            "private security companies",
        ),
        ("parliamentary staff", "security sector officials", "ombudsperson staff"),
        ("the adoption of a national security sector reform strategy",),
        ("weak oversight of intelligence services",),
        ("security sector reform", "oversight"),
        ("реформе сектора безопасности", "парламентскому надзору за сектором безопасности"),
    ),
    "roma-and-sinti": Topic(
        (
            "Roma and Sinti inclusion",
            "access to civil registration for Roma",
            "Roma children's education",
            "Roma participation in public life",
        ),
        ("Roma mediators", "Roma activists", "municipal officials"),
        ("a new action plan for the inclusion of Roma and Sinti",),
        ("forced evictions of Roma families",),
        ("Roma and Sinti", "inclusion"),
        ("интеграции рома и синти", "доступу рома к образованию"),
    ),
    "rule-of-law": Topic(
        (
            "the independence of the judiciary",
            "criminal justice reform",
            "fair trial standards",
            "free legal aid",
            "juvenile justice",
        ),
        ("judges", "prosecutors", "defence lawyers"),
        ("the adoption of a new criminal procedure code",),
        ("the backlog of cases before the courts",),
        ("rule of law", "judiciary"),
        ("независимости судебной власти", "реформе уголовного правосудия"),
    ),
    "tolerance-and-non-discrimination": Topic(
        (
            "hate crime recording and data collection",
            "interfaith dialogue",
            "countering antisemitism",
            "the prevention of discrimination",
        ),
        ("police investigators", "religious leaders", "equality body staff"),
        ("the first official report on hate crimes",),
        ("the rise in hate incidents against religious communities",),
        ("hate crime", "tolerance"),
        ("противодействию преступлениям на почве ненависти", "межрелигиозному диалогу"),
    ),
    "youth": Topic(
        (
            "youth participation in security",
            "young people's role in peacebuilding",
            "digital skills for young people",
            "youth leadership",
        ),
        ("young leaders", "students", "youth workers"),
        ("the creation of a national youth council",),
        ("the lack of prospects for young people in rural areas",),
        ("youth", "young people"),
        ("участию молодёжи в укреплении безопасности", "молодёжному лидерству"),
    ),
}

EVENTS = (
    "workshop", "training course", "seminar", "roundtable", "conference", "study visit",
    "expert meeting", "simulation exercise", "summer school", "regional forum",
    "public discussion", "mentoring programme",
)  # fmt: skip
DURATIONS = ("one-day", "two-day", "three-day", "four-day", "week-long")
ORGANIZED = ("organized", "hosted", "supported", "co-organized")
REGIONS = {
    "central-asia": "Central Asia",
    "south-eastern-europe": "South-Eastern Europe",
    "south-caucasus": "the South Caucasus",
    "eastern-europe": "Eastern Europe",
    "osce": "the OSCE region",
}

TITLES = (
    "OSCE {event} in {city} focuses on {subject}",
    "{Participants} trained on {subject} at OSCE-supported {event} in {city}",
    "{short} hosts {event} on {subject} for {participants}",
    "Strengthening {subject}: OSCE {event} held in {city}",
    "OSCE-supported {event} brings together {participants} to discuss {subject}",
    "{short} and {partner} launch project on {subject}",
    "New OSCE {event} on {subject} opens in {city}",
    "{Participants} from {area} discuss {subject} at OSCE {event}",
    "OSCE concludes {event} on {subject} in {city}",
    "{Country} and OSCE discuss next steps on {subject}",
    "{short} presents findings on {subject} at {event} in {city}",
    "{Participants} in {country} learn about {subject}",
)
STATEMENT_TITLES = {
    "welcome": ("{short} welcomes {welcome}", "{chair} welcomes {welcome}"),
    "concern": (
        "{short} expresses concern about {concern}",
        "{short} calls for action on {concern}",
    ),
}
SPEECH_TITLES = (
    "Remarks on {subject} at the {meeting} in {city}",
    "Opening address to the {meeting}: {subject}",
)
OP_ED_TITLES = (
    "Why {subject} matters for {area}",
    "Opinion: the case for investing in {subject}",
    "{Subject}: a shared responsibility",
)
FEATURE_TITLES = (
    "Meet the {participants} working on {subject} in {country}",
    "How {subject} is changing daily work in {city}",
    "A week with the {participants} of {city}",
)

LEADS = (
    "Some {number} {participants} from {area} took part in a {duration} {event} on {subject}, "
    "{organized} by the {source}{in_city} and concluding today.",
    "The {source} {organized} a {duration} {event} on {subject} for {number} {participants} "
    "in {city} today.",
    "{Subject} was the focus of a {duration} {event} that the {source} {organized} in {city} "
    "for {number} {participants}.",
    "More than {number} {participants} met in {city} today for a {event} on {subject} "
    "{organized} by the {source}.",
)
STATEMENT_LEADS = {
    "welcome": "The {source} today welcomed {welcome} and encouraged the authorities to keep up "
    "the pace of reform.",
    "concern": "The {source} today expressed concern about {concern} and called on all sides to "
    "act in line with their OSCE commitments.",
}
SPEECH_LEAD = "The {source} addressed the {meeting} in {city} today, speaking about {subject}."
OP_ED_LEAD = (
    "{Subject} deserves more attention and steadier funding, the {source} argues in this article."
)

SENTENCES = (
    "The {event} aimed to help {participants} apply international standards on {subject} in "
    "their daily work.",
    "Participants worked through case studies drawn from recent practice in {country}.",
    "Experts from {country} and {other_country} shared their experience of {subject}.",
    "The programme combined short presentations with practical exercises based on real cases "
    "from the region.",
    "Discussions focused on how national institutions can co-operate more closely and share "
    "information in good time.",
    "Participants also reviewed the recommendations of earlier OSCE events and agreed on "
    "follow-up steps.",
    "Particular attention was paid to the needs of women and young people.",
    "A session on international standards set out the commitments that all OSCE participating "
    "States have made in this area.",
    "On the last day, participants drafted a short list of priorities to present to their "
    "institutions.",
    "The {event} is one of a series that the {short} has organized since {since}.",
    "More than {many} {participants} have been trained under the project so far.",
    "The {short} will publish a summary of the findings in the coming weeks.",
    "Representatives of {partner} contributed to the sessions on {subject}.",
    "Participants compared national approaches to {subject} and identified common gaps.",
    "A simulation exercise built around a fictional but realistic scenario tested what the "
    "participants had learned.",
    "The {event} was held in {language_note}.",
    "Several participants said they would pass on what they had learned to colleagues.",
    "The discussion also touched on the resources institutions need to sustain the progress made.",
)
LANGUAGE_NOTES = (
    "English with interpretation into the local language",
    "the local language",
    "Russian and English",
)
BACKGROUNDS = (
    "The {event} was organized as part of the {short}’s project “{project}”, funded by {donor}.",
    "The {event} was held in co-operation with {partner} and with financial support from {donor}.",
    "The {source} has supported {subject} in {country} since {since}.",
    "The activity is part of the {short}’s long-term support to national institutions working "
    "on {subject}.",
)
PROJECTS = (
    "Strengthening {subject} in {country}",
    "Building capacity for {subject}",
    "Regional co-operation on {subject}",
)

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
DONORS = (
    "the Government of Germany", "the Government of Switzerland", "the Government of Norway",
    "the Government of Japan", "the Government of Finland", "the Government of Sweden",
    "the Government of Austria", "the European Union", "the United States",
)  # fmt: skip

QUOTES = (
    "Co-operation across borders is the only way to deal with {subject} effectively.",
    "What we have learned this week will help us do our jobs better, and that benefits every "
    "citizen.",
    "{Subject} is not a task for one institution alone; it needs all of us working together.",
    "The OSCE will continue to stand by {country} as it takes these reforms forward.",
    "These {participants} are the people who turn commitments into practice.",
    "We have made real progress, but there is still a lot of work ahead of us.",
    "Trust between institutions and citizens is built step by step, and events like this one help.",
    "I am encouraged by the energy and openness of everyone who took part.",
    "Our aim is simple: practical results that last after the project ends.",
    "International standards mean little unless they are applied on the ground.",
    "I would like to thank our partners for their support and commitment.",
    "Security in {area} depends on how well we share information and experience.",
    "The questions raised here today will shape our work for the next year.",
    "Every one of these {participants} will take this knowledge back to their teams.",
)
INDIRECT = (
    "{name} stressed the importance of {subject} for security in {area}.",
    "{name} noted that national institutions had made progress in recent years.",
    "{name} underlined the role of civil society in keeping reforms on track.",
)
WITHDRAWAL_REASONS = (
    "This release gave the wrong date for the event; a corrected version has been published.",
    "Withdrawn at the request of the organizers because the event was postponed.",
    "The figures in the third paragraph were wrong. We apologize for the mistake.",
    "Published by mistake before the event took place.",
    "A quotation was attributed to the wrong speaker.",
)
EXTRA_TAGS = (
    "training", "capacity building", "regional co-operation", "civil society", "project launch",
    "women", "youth", "Central Asia", "South-Eastern Europe", "South Caucasus", "Eastern Europe",
)  # fmt: skip

MALE_NAMES = (
    "Aleksandar", "Amir", "Andrei", "Arman", "Azamat", "Bakhtiyor", "Daniel", "Dario", "Davit",
    "Emil", "Erlan", "Farrukh", "Georgi", "Hans", "Ilir", "Jakob", "Jonas", "Kamil", "Lukas",
    "Marko", "Mihail", "Nikola", "Oleksandr", "Pieter", "Rustam", "Sandro", "Stefan", "Timur",
    "Tomasz", "Vahe", "Zoran", "Anders", "Luca", "Matteo", "Pierre", "Henrik", "Samir", "Edin",
    "Besnik", "Levan",
)  # fmt: skip
FEMALE_NAMES = (
    "Aida", "Aigerim", "Alina", "Ana", "Anna", "Asel", "Dilnoza", "Elena", "Elif", "Emma",
    "Gulnara", "Ingrid", "Irina", "Jelena", "Katarina", "Lejla", "Lena", "Madina", "Maja",
    "Mariam", "Marta", "Nadia", "Nargiza", "Natalia", "Nino", "Olga", "Sabina", "Sara", "Sofia",
    "Tamara", "Teuta", "Vesna", "Yulia", "Zarina", "Zeynep", "Claire", "Giulia", "Hanna",
    "Astrid", "Mirela",
)  # fmt: skip
SURNAMES = (
    "Abdullaev", "Ahmeti", "Aliyev", "Andersen", "Babić", "Bauer", "Berisha", "Bianchi",
    "Bogdanović", "Dimitrov", "Dubois", "Eriksson", "Fischer", "Gashi", "Gavrilov", "Hadžić",
    "Hoxha", "Ibraimov", "Ivanov", "Jovanović", "Karimov", "Kovačević", "Kozlov", "Lange",
    "Lindqvist", "Marić", "Mammadov", "Nazarov", "Nielsen", "Novak", "Osmanov", "Petrović",
    "Popescu", "Rahimov", "Rossi", "Sargsyan", "Schmidt", "Sokolov", "Tursunov", "Vasilev",
    "Weber", "Yusupov", "Zhakupov", "Beridze", "Kapanadze", "Hovhannisyan", "Moreau", "Horvat",
    "Nowak", "Kowalski", "Smirnov", "Van den Berg", "O’Connor", "García", "Costa", "Ferreira",
)  # fmt: skip

PORTFOLIOS = ("Internal Affairs", "Foreign Affairs", "Justice", "Education", "Defence")
INTERGOVERNMENTAL = (
    ("United Nations Development Programme", "UNDP"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("International Organization for Migration", "IOM"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    ("United Nations Children’s Fund", "UNICEF"),
    ("United Nations Environment Programme", "UNEP"),
    ("Council of Europe", "CoE"),
    ("European Union", "EU"),
)
CIVIL_SOCIETY = (
    "Centre for Civic Initiatives", "Media Development Foundation", "Association of Young "
    "Lawyers", "Women’s Rights Network", "Citizens’ Election Watch", "Green Valleys "
    "Environmental Alliance", "Institute for Policy Dialogue", "Youth Bridges Network",
    "Roma Inclusion Initiative", "Independent Journalists’ Association",
)  # fmt: skip
ACADEMIC = ("Academy of Public Administration", "Institute for Security Studies")

# Russian -----------------------------------------------------------------------------------------

RU_EVENTS = (  # (accusative, nominative, "took place" agreeing with it)
    ("семинар", "семинар", "прошёл"),
    ("тренинг", "тренинг", "прошёл"),
    ("круглый стол", "круглый стол", "прошёл"),
    ("конференцию", "конференция", "прошла"),
    ("учебный визит", "учебный визит", "прошёл"),
    ("совещание экспертов", "совещание экспертов", "прошло"),
)
RU_PARTICIPANTS = (  # (nominative, genitive)
    ("сотрудники пограничной службы", "сотрудников пограничной службы"),
    ("журналисты", "журналистов"),
    ("представители гражданского общества", "представителей гражданского общества"),
    ("молодые лидеры", "молодых лидеров"),
    ("сотрудники полиции", "сотрудников полиции"),
    ("судьи и прокуроры", "судей и прокуроров"),
    ("члены избирательных комиссий", "членов избирательных комиссий"),
    ("государственные служащие", "государственных служащих"),
    ("преподаватели", "преподавателей"),
)
RU_CITIES = {  # prepositional case, for "в …"
    "Vienna": "Вене", "Bishkek": "Бишкеке", "Dushanbe": "Душанбе", "Astana": "Астане",
    "Tashkent": "Ташкенте", "Ashgabat": "Ашхабаде", "Chișinău": "Кишинёве", "Kyiv": "Киеве",
    "Minsk": "Минске", "Yerevan": "Ереване", "Baku": "Баку", "Tbilisi": "Тбилиси",
}  # fmt: skip
RU_CITY_NAMES = {
    "Vienna": "ВЕНА", "Bishkek": "БИШКЕК", "Dushanbe": "ДУШАНБЕ", "Astana": "АСТАНА",
    "Tashkent": "ТАШКЕНТ", "Ashgabat": "АШХАБАД", "Chișinău": "КИШИНЁВ", "Kyiv": "КИЕВ",
    "Minsk": "МИНСК", "Yerevan": "ЕРЕВАН", "Baku": "БАКУ", "Tbilisi": "ТБИЛИСИ",
}  # fmt: skip
RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
)  # fmt: skip
RU_DONORS = (
    "правительства Германии", "правительства Швейцарии", "Европейского союза",
    "правительства Норвегии", "правительства Японии", "правительства Финляндии",
)  # fmt: skip
RU_TITLES = (
    "ОБСЕ провела в {city} {event_acc} по {subject}",
    "В {city} при поддержке ОБСЕ {took_place} {event_nom} по {subject}",
    "{Participants} прошли обучение по {subject} при содействии ОБСЕ",
    "ОБСЕ поддержала {event_acc} по {subject} для {participants_gen}",
)
RU_LEADS = (
    "При поддержке ОБСЕ в {city} {took_place} {event_nom} по {subject}.",
    "ОБСЕ провела в {city} {event_acc} по {subject} для {participants_gen}.",
)
RU_SENTENCES = (
    "Более {number} {participants_gen} приняли участие в мероприятии.",
    "Участники обсудили международные стандарты и передовой опыт в этой области.",
    "Особое внимание было уделено практическим упражнениям и обмену опытом между странами региона.",
    "Мероприятие организовано при финансовой поддержке {donor}.",
    "Участники также рассмотрели рекомендации предыдущих мероприятий ОБСЕ и согласовали "
    "дальнейшие шаги.",
    "По итогам встречи участники подготовили перечень приоритетов для своих ведомств.",
    "ОБСЕ продолжит поддерживать усилия национальных институтов в этой сфере.",
)
RU_QUOTES = (
    "Только совместными усилиями мы сможем ответить на общие вызовы безопасности.",
    "Этот опыт поможет участникам применять полученные знания в ежедневной работе.",
    "Мы благодарны партнёрам за многолетнее сотрудничество и доверие.",
    "ОБСЕ готова и дальше поддерживать усилия национальных институтов.",
    "Доверие между государственными органами и гражданами строится годами.",
    "Важно, чтобы результаты этой работы были устойчивыми.",
)
CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
