"""The demo marketplace's content: candidate profiles, postings and who applied
where. Plain data, written for the demo (no third-party text); skills and
occupations are named by their ESCO/O*NET labels and resolved to ids at build
time (`stint.demo.lookup`). Dates are offsets in days from the day of seeding."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Study:
    institution: str
    degree: str
    major: str
    graduation_year_offset: int  # years from this year (negative: already graduated)


@dataclass(frozen=True)
class ProfileSpec:
    email: str
    headline: str
    bio: str
    country: str
    city: str
    time_zone: str
    remote: str
    hours_per_week: int
    interests: tuple[str, ...]
    industries: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]  # (label, level 1..4)
    goals: tuple[str, ...]  # job titles, normalised to ESCO occupations
    studies: tuple[Study, ...]
    available_from: int  # days from today
    available_days: int
    links: tuple[str, ...] = ()


UNIVERSITY = "University of Example"

PROFILES: tuple[ProfileSpec, ...] = (
    ProfileSpec(
        email="ada@example.edu",
        headline="Computer science student who likes tidy data and honest charts",
        bio=(
            "Third-year computer science student. I write Python and SQL most days, "
            "tutor first-years in statistics, and spent last summer cleaning sensor data "
            "for a student air-quality project. Looking for short, real analysis work."
        ),
        country="GB",
        city="Leeds",
        time_zone="Europe/London",
        remote="any",
        hours_per_week=12,
        interests=("climate", "open data", "public transport"),
        industries=("analytics", "non-profit"),
        skills=(
            ("Python (computer programming)", 3),
            ("SQL", 3),
            ("data analytics", 2),
            ("statistics", 2),
            ("pandas", 2),
            ("GitHub", 2),
            ("machine learning", 1),
        ),
        goals=("data analyst", "software developer"),
        studies=(Study(UNIVERSITY, "BSc", "Computer Science", 1),),
        available_from=7,
        available_days=90,
        links=("https://github.com/ada-okafor-demo",),
    ),
    ProfileSpec(
        email="ben@example.edu",
        headline="Marketing student: campaigns, copy and community",
        bio=(
            "I run the social accounts for our student radio station and write its "
            "weekly newsletter. Comfortable planning a content calendar, writing short "
            "copy and reading the numbers afterwards."
        ),
        country="FR",
        city="Lyon",
        time_zone="Europe/Paris",
        remote="remote",
        hours_per_week=10,
        interests=("music", "health", "community"),
        industries=("media", "non-profit"),
        skills=(
            ("social media management", 3),
            ("perform copywriting", 3),
            ("content marketing strategy", 2),
            ("search engine optimisation", 2),
            ("Canva", 3),
            ("Google Analytics", 1),
        ),
        goals=("marketing assistant", "online community manager"),
        studies=(Study(UNIVERSITY, "BA", "Marketing", 0),),
        available_from=3,
        available_days=60,
    ),
    ProfileSpec(
        email="chloe@demo.stint.local",
        headline="UX researcher and interface designer, recently graduated",
        bio=(
            "Graduated in interaction design last year. I plan and run usability tests, "
            "turn what I hear into wireframes and clickable Figma prototypes, and care "
            "about forms that everyone can fill in."
        ),
        country="FR",
        city="Nantes",
        time_zone="Europe/Paris",
        remote="hybrid",
        hours_per_week=20,
        interests=("accessibility", "health"),
        industries=("design", "health"),
        skills=(
            ("Figma", 3),
            ("create website wireframe", 3),
            ("create prototype of user experience solutions", 2),
            ("usability engineering", 2),
            ("conduct qualitative research", 2),
            ("graphic design", 2),
        ),
        goals=("user interface designer", "user experience analyst"),
        studies=(Study("Westbrook School of Design", "BA", "Interaction Design", -1),),
        available_from=1,
        available_days=120,
        links=("https://chloe-martin-demo.example.net",),
    ),
    ProfileSpec(
        email="dev@demo.stint.local",
        headline="Operations lead moving into data analysis",
        bio=(
            "Eight years running logistics for a regional retailer, where the spreadsheets "
            "were always mine. Now finishing a data analytics certificate and building a "
            "portfolio of dashboards and SQL reports."
        ),
        country="CA",
        city="Toronto",
        time_zone="America/Toronto",
        remote="remote",
        hours_per_week=15,
        interests=("retail", "logistics"),
        industries=("analytics", "retail"),
        skills=(
            ("Microsoft Excel", 4),
            ("SQL", 2),
            ("Tableau", 2),
            ("data analytics", 2),
            ("present reports", 3),
            ("communicate with stakeholders", 3),
        ),
        goals=("data analyst", "business analyst"),
        studies=(
            Study("Lakeshore Community College", "Certificate", "Data Analytics", 0),
            Study("Northgate University", "BA", "History", -9),
        ),
        available_from=5,
        available_days=75,
    ),
    ProfileSpec(
        email="emma@example.edu",
        headline="Finance student who builds clear models and budgets",
        bio=(
            "Finance major with a minor in economics. Treasurer of the student union's "
            "sports club, where I rebuilt the budget in Excel and started a Power BI "
            "report for the committee."
        ),
        country="DE",
        city="Berlin",
        time_zone="Europe/Berlin",
        remote="any",
        hours_per_week=10,
        interests=("sport", "non-profit"),
        industries=("finance", "non-profit"),
        skills=(
            ("Microsoft Excel", 3),
            ("financial analysis", 3),
            ("financial statements", 2),
            ("accounting", 2),
            ("budgetary principles", 2),
            ("Microsoft Power BI", 1),
        ),
        goals=("financial analyst", "accountant"),
        studies=(Study(UNIVERSITY, "BSc", "Finance", 1),),
        available_from=10,
        available_days=90,
    ),
)


@dataclass(frozen=True)
class PostingSpec:
    employer: str  # organisation slug
    title: str
    summary: str
    deliverables: str
    industry: str
    hours: int
    hourly_major: int  # the hourly rate in major units; the fee is hours × rate
    skills: tuple[tuple[str, str, int], ...]  # (label, "essential"|"nice", level)
    apply_in: int  # apply_by: days from today
    weeks: int  # due date: weeks after the start
    currency: str = "USD"
    work_mode: str = "remote"
    country: str = ""
    city: str = ""
    time_zone: str = "UTC"
    openings: int = 1
    questions: tuple[str, ...] = ()
    exclusive: bool = False  # only students of the University of Example
    publish: bool = True


NORTHWIND = "northwind-analytics"
BRIGHTSIDE = "brightside-health"
FERNHILL = "fernhill-studio"

POSTINGS: tuple[PostingSpec, ...] = (
    PostingSpec(
        employer=NORTHWIND,
        title="Clean and document a customer survey dataset",
        summary=(
            "A client ran a 2,000-response customer survey and the export is messy: "
            "duplicated rows, free-text ages, three spellings of every city. Clean it "
            "in Python, keep every decision reproducible, and document what each column means."
        ),
        deliverables=(
            "A cleaning notebook or script that runs from the raw export\n"
            "The clean dataset with a data dictionary\n"
            "A one-page note of the decisions you made and why"
        ),
        industry="analytics",
        hours=15,
        hourly_major=30,
        skills=(
            ("Python (computer programming)", "essential", 2),
            ("pandas", "essential", 2),
            ("statistics", "nice", 2),
            ("report analysis results", "nice", 2),
        ),
        apply_in=14,
        weeks=2,
        time_zone="Europe/London",
        questions=("Link to a notebook or script you are proud of (any topic).",),
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="Build a Tableau dashboard for monthly sales",
        summary=(
            "Our retail client wants one page that answers 'how did last month go?' "
            "at a glance. You will get a clean sales extract and a list of the questions "
            "the managers ask every month."
        ),
        deliverables=(
            "A published Tableau workbook with one overview and two drill-down views\n"
            "A short walkthrough video or written guide for the managers"
        ),
        industry="analytics",
        hours=20,
        hourly_major=30,
        skills=(
            ("Tableau", "essential", 2),
            ("data analytics", "essential", 2),
            ("present reports", "nice", 2),
        ),
        apply_in=12,
        weeks=3,
        time_zone="America/Toronto",
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="SQL queries for a subscription churn analysis",
        summary=(
            "Write the queries behind a churn analysis for a subscription box company: "
            "monthly cohorts, retention curves and the plans people leave from. The "
            "database is PostgreSQL; we give you a read-only copy."
        ),
        deliverables=(
            "Documented SQL queries for cohorts, retention and churn by plan\n"
            "A short summary of what the numbers say"
        ),
        industry="analytics",
        hours=12,
        hourly_major=30,
        skills=(
            ("SQL", "essential", 3),
            ("data analytics", "essential", 2),
            ("statistics", "nice", 2),
        ),
        apply_in=10,
        weeks=2,
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="Write a plain-language guide to our open transport dataset",
        summary=(
            "We publish an open dataset of bus punctuality. Journalists and councillors "
            "use it, but the documentation was written by engineers for engineers. "
            "Rewrite it so a curious non-specialist can use the data correctly."
        ),
        deliverables=(
            "A guide of about 2,000 words with worked examples\n"
            "A glossary of every column and status code"
        ),
        industry="analytics",
        hours=10,
        hourly_major=28,
        skills=(
            ("write work-related reports", "essential", 3),
            ("perform copywriting", "nice", 2),
            ("data analytics", "nice", 1),
        ),
        apply_in=18,
        weeks=2,
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="Prototype a demand forecast in Python",
        summary=(
            "Help our team test whether a simple forecasting model beats the spreadsheet "
            "a bakery chain uses to plan daily production. Two years of daily sales per "
            "shop are available. Hybrid: two days in our Leeds office."
        ),
        deliverables=(
            "A baseline and one better model, compared on the last three months\n"
            "A notebook we can rerun, and a slide summarising the result"
        ),
        industry="analytics",
        hours=30,
        hourly_major=35,
        currency="GBP",
        skills=(
            ("Python (computer programming)", "essential", 3),
            ("statistics", "essential", 2),
            ("machine learning", "nice", 2),
        ),
        apply_in=20,
        weeks=4,
        work_mode="hybrid",
        country="GB",
        city="Leeds",
        time_zone="Europe/London",
        questions=("Which forecasting approach would you try first, and why?",),
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="Student data fellowship: map local air quality",
        summary=(
            "Reserved for students of the University of Example. Combine the city's open "
            "air-quality readings with traffic counts and map where and when the air is "
            "worst. The result feeds a public talk by our partner charity."
        ),
        deliverables=(
            "A reproducible analysis joining both datasets\n"
            "Three maps or charts with plain-language captions"
        ),
        industry="analytics",
        hours=25,
        hourly_major=28,
        skills=(
            ("Python (computer programming)", "essential", 2),
            ("data analytics", "essential", 2),
            ("deliver visual presentation of data", "nice", 2),
        ),
        apply_in=21,
        weeks=4,
        time_zone="Europe/London",
        exclusive=True,
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Social media calendar for a flu vaccination campaign",
        summary=(
            "Plan six weeks of posts that encourage people over 65 and carers to book a "
            "flu jab at our community clinics. Our nurses will check every health claim; "
            "you bring the plan, the copy and simple visuals."
        ),
        deliverables=(
            "A six-week content calendar across two platforms\n"
            "Copy for every post and ten visuals made in Canva"
        ),
        industry="health",
        hours=15,
        hourly_major=25,
        skills=(
            ("social media management", "essential", 2),
            ("perform copywriting", "essential", 2),
            ("content marketing strategy", "nice", 2),
            ("Canva", "nice", 2),
        ),
        apply_in=9,
        weeks=2,
        time_zone="Europe/Paris",
        questions=("Share one post or campaign you wrote (a link or a screenshot is fine).",),
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Analyse our volunteer survey responses",
        summary=(
            "240 volunteers answered our yearly survey about training, scheduling and "
            "why they stay. Summarise what they told us, with the numbers behind it, so "
            "the board can decide what to change first."
        ),
        deliverables=("A short report with charts\nA spreadsheet with the coded free-text answers"),
        industry="non-profit",
        hours=12,
        hourly_major=25,
        skills=(
            ("conduct quantitative research", "essential", 2),
            ("Microsoft Excel", "essential", 2),
            ("report analysis results", "nice", 2),
        ),
        apply_in=11,
        weeks=2,
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Usability test our clinic appointment booking page",
        summary=(
            "Patients abandon our online booking form halfway. Run five moderated "
            "usability sessions (we recruit the participants), find where people get "
            "stuck, and propose fixes as wireframes."
        ),
        deliverables=(
            "A test plan and script\n"
            "Findings ranked by severity\n"
            "Wireframes of the proposed changes"
        ),
        industry="health",
        hours=20,
        hourly_major=28,
        skills=(
            ("usability engineering", "essential", 2),
            ("conduct qualitative research", "essential", 2),
            ("create website wireframe", "nice", 2),
            ("Figma", "nice", 2),
        ),
        apply_in=15,
        weeks=3,
        time_zone="Europe/Paris",
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Budget tracker for our community health grants",
        summary=(
            "We manage six small grants, each with its own reporting rules. Build a "
            "workbook that tracks spending against each budget line and flags anything "
            "drifting more than ten percent."
        ),
        deliverables=(
            "An Excel workbook with one sheet per grant and a summary\n"
            "A half-page guide for our finance volunteer"
        ),
        industry="non-profit",
        hours=16,
        hourly_major=25,
        currency="EUR",
        skills=(
            ("Microsoft Excel", "essential", 3),
            ("budgetary principles", "essential", 2),
            ("financial analysis", "nice", 2),
        ),
        apply_in=13,
        weeks=3,
        time_zone="Europe/Berlin",
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Refresh our supporter newsletter and welcome emails",
        summary=(
            "Our monthly newsletter reads like a meeting agenda. Rewrite the template, "
            "draft a three-email welcome series for new supporters, and set up simple "
            "tracking so we know what gets read."
        ),
        deliverables=("A new newsletter template with one sample issue\nThree welcome emails"),
        industry="non-profit",
        hours=10,
        hourly_major=25,
        skills=(
            ("execute email marketing", "essential", 2),
            ("perform copywriting", "essential", 2),
            ("manage online content", "nice", 2),
        ),
        apply_in=16,
        weeks=2,
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Quarterly financial summary for our board",
        summary=(
            "Turn the quarter's accounts into a four-page summary the board can read in "
            "ten minutes: income by source, spending by programme, reserves, and what "
            "changed since last quarter."
        ),
        deliverables=("A four-page summary with charts\nThe workbook behind every number"),
        industry="non-profit",
        hours=18,
        hourly_major=30,
        skills=(
            ("financial statements", "essential", 2),
            ("accounting", "essential", 2),
            ("Microsoft Excel", "nice", 2),
            ("present reports", "nice", 2),
        ),
        apply_in=12,
        weeks=3,
        time_zone="Europe/Berlin",
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Redesign the volunteer sign-up flow in Figma",
        summary=(
            "Signing up to volunteer takes four pages and a PDF. Design a shorter flow "
            "that still collects what our safeguarding policy needs. Hybrid: one workshop "
            "day at our Manchester office."
        ),
        deliverables=("A clickable Figma prototype\nAnnotated screens for our web developer"),
        industry="health",
        hours=24,
        hourly_major=26,
        currency="GBP",
        skills=(
            ("Figma", "essential", 3),
            ("create prototype of user experience solutions", "essential", 2),
            ("create website wireframe", "nice", 2),
        ),
        apply_in=17,
        weeks=3,
        work_mode="hybrid",
        country="GB",
        city="Manchester",
        time_zone="Europe/London",
    ),
    PostingSpec(
        employer=BRIGHTSIDE,
        title="Power BI report of clinic waiting times",
        summary=(
            "Build a Power BI report from our booking system's export showing waiting "
            "times by clinic, weekday and service, so managers can move staff to where "
            "the queues are."
        ),
        deliverables=("A Power BI report with three pages\nThe SQL or queries that feed it"),
        industry="health",
        hours=20,
        hourly_major=28,
        skills=(
            ("Microsoft Power BI", "essential", 2),
            ("data analytics", "essential", 2),
            ("SQL", "nice", 2),
        ),
        apply_in=19,
        weeks=3,
    ),
    # Drafts: one waiting for its employer's verification, one ready to publish.
    PostingSpec(
        employer=FERNHILL,
        title="Illustrations for a children's museum website",
        summary=(
            "Six spot illustrations in a friendly, flat style for the new website of a "
            "small natural-history museum. We provide the sitemap and a mood board."
        ),
        deliverables="Six illustrations as SVG and PNG\nOne round of changes",
        industry="design",
        hours=20,
        hourly_major=30,
        currency="EUR",
        skills=(
            ("use digital illustration techniques", "essential", 3),
            ("graphic design", "nice", 2),
        ),
        apply_in=25,
        weeks=3,
        publish=False,
    ),
    PostingSpec(
        employer=NORTHWIND,
        title="Data quality audit of a CRM export",
        summary=(
            "Check a 50,000-row CRM export for duplicates, missing fields and impossible "
            "values, and estimate how much of it can be trusted."
        ),
        deliverables="An audit report with counts per problem\nA list of suggested fixes",
        industry="analytics",
        hours=10,
        hourly_major=30,
        skills=(("SQL", "essential", 2), ("Microsoft Excel", "nice", 2)),
        apply_in=20,
        weeks=2,
        publish=False,
    ),
)


@dataclass(frozen=True)
class ApplicationSpec:
    candidate: str  # email
    posting: str  # title
    note: str
    stage: str = "submitted"  # submitted | shortlisted | offered | working (engagement)
    answers: tuple[str, ...] = ()
    messages: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (side, text)


APPLICATIONS: tuple[ApplicationSpec, ...] = (
    ApplicationSpec(
        candidate="ada@example.edu",
        posting="Clean and document a customer survey dataset",
        note="I cleaned a messy sensor export for a student project last summer and kept "
        "every step in a notebook; happy to work the same way here.",
        stage="shortlisted",
        answers=("https://github.com/ada-okafor-demo/air-quality-cleaning",),
        messages=(
            ("employer", "Thanks Ada, we liked your notebook. Could you start on the 1st?"),
            ("candidate", "Yes, the 1st works. Is the export in CSV or Excel?"),
        ),
    ),
    ApplicationSpec(
        candidate="ada@example.edu",
        posting="Student data fellowship: map local air quality",
        note="This is close to my final-year project; I already know the city's sensor feed.",
    ),
    ApplicationSpec(
        candidate="dev@demo.stint.local",
        posting="Build a Tableau dashboard for monthly sales",
        note="I built the monthly reporting for a retailer for years; this is the dashboard "
        "I always wanted to give our managers.",
        stage="offered",
    ),
    ApplicationSpec(
        candidate="dev@demo.stint.local",
        posting="SQL queries for a subscription churn analysis",
        note="My certificate capstone was a cohort retention analysis in SQL.",
        stage="working",  # an engagement paid by milestone, the first one submitted
    ),
    ApplicationSpec(
        candidate="ben@example.edu",
        posting="Social media calendar for a flu vaccination campaign",
        note="I plan the student radio's content calendar every term and would love to do "
        "something that matters for health.",
        stage="shortlisted",
        answers=("https://example.edu/radio/campaigns/autumn",),
    ),
    ApplicationSpec(
        candidate="ben@example.edu",
        posting="Refresh our supporter newsletter and welcome emails",
        note="I write our station's weekly newsletter; open rates went up a third this year.",
    ),
    ApplicationSpec(
        candidate="emma@example.edu",
        posting="Quarterly financial summary for our board",
        note="I prepare the sports club's quarterly report for its committee.",
        stage="offered",
    ),
    ApplicationSpec(
        candidate="emma@example.edu",
        posting="Budget tracker for our community health grants",
        note="I rebuilt our club's budget in Excel with variance flags, much like this.",
    ),
    ApplicationSpec(
        candidate="chloe@demo.stint.local",
        posting="Usability test our clinic appointment booking page",
        note="I ran twelve moderated sessions for my degree project on a booking flow.",
        stage="shortlisted",
    ),
    ApplicationSpec(
        candidate="chloe@demo.stint.local",
        posting="Redesign the volunteer sign-up flow in Figma",
        note="Short forms that still meet policy are my favourite puzzle.",
    ),
)
