"""The stories printed by the page pairs: headline, summary, byline, paragraphs, image."""

from __future__ import annotations

ARTICLES = {
    "bridge": {
        "lang": "en",
        "headline": "City Closes Harbor Bridge After Inspectors Find Cracked Steel",
        "summary": (
            "The 1962 span, used by 48,000 vehicles a day, will stay shut for at least three "
            "weeks while engineers decide whether it can be repaired."
        ),
        "author": "Maria Okafor",
        "published": "2024-03-05T08:30:00Z",
        "image": "https://static.example-news.com/images/2024/03/05/bridge-crack.jpg",
        "image_alt": "The Harbor Bridge seen from the east bank",
        "caption": "Inspectors found a crack in a main girder of the Harbor Bridge on Monday.",
        "paragraphs": [
            "The city closed the Harbor Bridge to all traffic on Tuesday morning after "
            "inspectors found a crack in one of the steel girders that carry its main deck.",
            "The crack, about 14 inches long, was found during a routine inspection on Monday "
            "afternoon, said Dana Whitfield, the city's transportation commissioner.",
            "\u201cWe are not going to take any chances with a structure like this,\u201d Ms. "
            "Whitfield said at a news conference. \u201cThe bridge stays closed until our "
            "engineers tell us it is safe.\u201d",
            "About 48,000 vehicles cross the bridge on an average weekday, according to the "
            "city's most recent traffic count, and detours added up to 40 minutes to some "
            "commutes on Tuesday.",
            "The bridge was last rehabilitated in 2009, when the city replaced its deck and "
            "repainted the steel. A 2021 report rated its condition as fair.",
            "Engineers will spend the next three weeks deciding whether the girder can be "
            "repaired in place or must be replaced, a job that could take months.",
            "Buses that normally use the bridge will be rerouted over the Mill Street crossing, "
            "and the ferry will run every 15 minutes during rush hours.",
        ],
        "links": [("https://www.example-city.gov/reports/bridges-2021", "A 2021 report")],
    },
    "vaccine": {
        "lang": "en",
        "headline": "Regulators Approve First Vaccine for Common Childhood Virus",
        "summary": (
            "The shot, given to pregnant women, cut hospital stays among newborns by more "
            "than half in a trial of 7,400 families."
        ),
        "author": "Thomas Reed",
        "published": "2024-05-01T14:00:00Z",
        "image": "https://static.example-news.com/images/2024/05/01/vaccine-lab.jpg",
        "image_alt": "A technician holds vials in a laboratory",
        "caption": "Vials of the vaccine at a laboratory in Baltimore.",
        "paragraphs": [
            "Federal regulators on Wednesday approved the first vaccine meant to protect "
            "newborns from respiratory syncytial virus, a common infection that sends tens of "
            "thousands of infants to the hospital each year.",
            "The vaccine is given to pregnant women between the 32nd and 36th weeks of "
            "pregnancy, and the antibodies it produces pass to the baby before birth.",
            "In a trial of about 7,400 families, the shot reduced hospital stays for severe "
            "infection by 57 percent in the first six months of life, the manufacturer said.",
            "\u201cThis is a milestone that pediatricians have been waiting on for decades,\u201d "
            "said Dr. Helen Park, who leads the infectious disease unit at a children's "
            "hospital in Ohio and was not involved in the trial.",
            "Some experts urged caution, noting a small imbalance in preterm births in the "
            "trial that the company said was not statistically significant.",
            "The agency said it would require the company to run further studies on "
            "preterm birth as a condition of the approval.",
        ],
        "links": [("https://www.example-journal.org/doi/10.1056/rsv-trial", "in a trial")],
    },
    "election": {
        "lang": "en",
        "headline": "Turnout Hits Record in Regional Election as Counting Drags On",
        "summary": (
            "Officials said 71 percent of registered voters cast a ballot, the highest share "
            "since the region was created."
        ),
        "author": "Priya Natarajan",
        "published": "2024-06-10T06:15:00Z",
        "image": "https://static.example-news.com/images/2024/06/10/voters-queue.jpg",
        "image_alt": "Voters wait outside a polling station",
        "caption": "Voters lined up outside a polling station in Eastfield on Sunday.",
        "paragraphs": [
            "Voters turned out in record numbers for Sunday's regional election, officials "
            "said on Monday, as counting in several districts continued into a second day.",
            "The electoral commission said 71 percent of registered voters had cast a ballot, "
            "up from 64 percent four years ago and the highest share since the region was "
            "created in 1999.",
            "Results from 38 of the 45 districts gave the governing coalition a narrow lead, "
            "but the seven districts still counting include the regional capital.",
            "\u201cEvery vote will be counted, however long it takes,\u201d the commission's "
            "chairwoman, Lena Sorensen, told reporters.",
            "Long queues formed outside polling stations in the capital on Sunday evening, "
            "and some stations stayed open two hours past their scheduled closing time.",
            "The final result is expected by Wednesday.",
        ],
        "links": [("https://elections.example-region.org/results", "Results")],
    },
    "drought": {
        "lang": "en",
        "headline": "Farmers Brace for Smaller Harvest as Drought Deepens",
        "summary": (
            "Rainfall this spring was the lowest in 60 years across the plains, and wheat "
            "growers expect yields to fall by a third."
        ),
        "author": "Samuel Ortiz",
        "published": "2024-07-22T10:00:00Z",
        "image": "https://static.example-news.com/images/2024/07/22/dry-field.jpg",
        "image_alt": "Cracked soil in a wheat field",
        "caption": "A wheat field near Dodge Plains in July.",
        "paragraphs": [
            "Wheat farmers across the southern plains are preparing for one of their smallest "
            "harvests in a generation after the driest spring in 60 years.",
            "Rainfall from March through June was less than half the long-term average in much "
            "of the region, according to the state climatologist's office.",
            "Growers surveyed by the state farm bureau expect yields to fall by about a third "
            "compared with last year.",
            "\u201cI have farmed this land for 31 years and I have never seen the ground this "
            "hard in July,\u201d said Carl Jensen, who grows wheat and sorghum on 2,000 acres.",
            "Higher prices for wheat have softened the blow for some, but many farmers sold "
            "their crop in advance at last winter's lower prices.",
            "The state agriculture department said it would ask for a federal disaster "
            "declaration, which would open low-interest emergency loans to growers.",
        ],
        "links": [
            ("https://climate.example-state.gov/drought/2024", "state climatologist's office")
        ],
    },
    "sluis": {
        "lang": "nl",
        "headline": "Sluis bij Zwartsluis maanden dicht door scheur in sluisdeur",
        "summary": (
            "Rijkswaterstaat verwacht dat de reparatie tot eind september duurt. Schippers "
            "moeten tot 40 kilometer omvaren."
        ),
        "author": "Anouk de Vries",
        "published": "2024-04-12T07:45:00+02:00",
        "image": "https://images.example-regio.nl/2024/04/12/sluisdeur.jpg",
        "image_alt": "De beschadigde sluisdeur bij Zwartsluis",
        "caption": "De sluisdeur raakte vorige week beschadigd bij een aanvaring.",
        "paragraphs": [
            "De sluis bij Zwartsluis blijft maandenlang dicht voor de scheepvaart. Bij een "
            "inspectie is een scheur van anderhalve meter in een van de sluisdeuren gevonden.",
            "Rijkswaterstaat verwacht dat de reparatie tot eind september duurt, zegt "
            "woordvoerder Peter Bakker. \u201cWe moeten de deur eruit halen en in een werkplaats "
            "herstellen.\u201d",
            "Voor de beroepsvaart betekent de sluiting een omweg van ongeveer 40 kilometer via "
            "het Zwarte Water. Dat kost schippers al snel drie uur extra.",
            "De sluisdeur raakte vorige week beschadigd toen een vrachtschip tegen de deur "
            "voer. Het schip had volgens Rijkswaterstaat te veel snelheid.",
            "Recreatievaart kan in de zomer gebruikmaken van een tijdelijke overslag met een "
            "kraan, maar alleen voor boten korter dan acht meter.",
        ],
        "links": [("https://www.example-rws.nl/vaarwegen/zwartsluis", "Rijkswaterstaat")],
    },
    "markt": {
        "lang": "nl",
        "headline": "Gemeente Assen wil weekmarkt verplaatsen naar het Koopmansplein",
        "summary": (
            "Marktkooplieden zijn verdeeld over het plan. De gemeenteraad beslist in juni."
        ),
        "author": "Jeroen Hoekstra",
        "published": "2024-03-28T16:20:00+01:00",
        "image": "https://images.example-regio.nl/2024/03/28/weekmarkt-assen.jpg",
        "image_alt": "Kramen op de weekmarkt in Assen",
        "caption": "De weekmarkt op de Brink in Assen.",
        "paragraphs": [
            "De gemeente Assen wil de weekmarkt verhuizen van de Brink naar het "
            "Koopmansplein. Volgens het college is daar meer ruimte voor kramen en bezoekers.",
            "Op de Brink staan nu elke zaterdag ongeveer 60 kramen. Op het Koopmansplein "
            "zouden dat er 75 kunnen worden, schrijft het college aan de gemeenteraad.",
            "Marktkooplieden zijn verdeeld. \u201cOp de Brink lopen de mensen langs, op het "
            "Koopmansplein moeten ze speciaal komen\u201d, zegt groenteboer Harm Wolters.",
            "Andere kooplieden zien juist voordelen, omdat er bij het Koopmansplein een "
            "parkeergarage is.",
            "De gemeenteraad neemt in juni een besluit over het plan.",
        ],
        "links": [("https://www.example-assen.nl/raad/weekmarkt", "schrijft het college")],
    },
    "bahn": {
        "lang": "de",
        "headline": "Bahnstrecke zwischen Kassel und Göttingen wochenlang gesperrt",
        "summary": (
            "Wegen Bauarbeiten fallen von Mitte August an viele Regionalzüge aus. Pendler "
            "müssen auf Busse umsteigen."
        ),
        "author": "Katrin Müller",
        "published": "2024-08-02T05:30:00+02:00",
        "image": "https://bilder.example-zeitung.de/2024/08/02/gleisbau-kassel.jpg",
        "image_alt": "Bauarbeiter an einem Gleis bei Kassel",
        "caption": "Die Deutsche Bahn erneuert auf 40 Kilometern Gleise und Weichen.",
        "paragraphs": [
            "Die Bahnstrecke zwischen Kassel und Göttingen wird von Mitte August an für "
            "fünf Wochen gesperrt. Die Deutsche Bahn erneuert Gleise, Weichen und Oberleitungen.",
            "Betroffen sind vor allem Pendler im Regionalverkehr. Statt der Züge fahren "
            "Ersatzbusse, die nach Angaben der Bahn bis zu 45 Minuten länger brauchen.",
            "\u201cWir wissen, dass das für viele Fahrgäste eine Zumutung ist\u201d, sagte ein "
            "Bahnsprecher. Die Arbeiten seien aber dringend notwendig.",
            "Fernzüge werden über Hannover umgeleitet. Reisende sollten vor der Fahrt die "
            "aktuellen Verbindungen prüfen.",
            "Die Sperrung soll am 20. September enden.",
        ],
        "links": [("https://www.example-bahn.de/bauarbeiten/kassel-goettingen", "Deutsche Bahn")],
    },
    "schwimmbad": {
        "lang": "de",
        "headline": "Stadtrat beschließt Sanierung des Hallenbads für 12 Millionen Euro",
        "summary": (
            "Das Bad an der Parkstraße bleibt dafür zwei Jahre geschlossen. Vereine müssen in "
            "Nachbarorte ausweichen."
        ),
        "author": "Jonas Becker",
        "published": "2024-09-18T19:10:00+02:00",
        "image": "https://bilder.example-zeitung.de/2024/09/18/hallenbad.jpg",
        "image_alt": "Das Hallenbad an der Parkstraße",
        "caption": "Das Hallenbad wurde 1974 eröffnet.",
        "paragraphs": [
            "Der Stadtrat hat am Mittwochabend die Sanierung des Hallenbads an der "
            "Parkstraße beschlossen. Die Kosten liegen nach aktueller Schätzung bei 12 "
            "Millionen Euro.",
            "Das Bad wird dafür von Januar an für zwei Jahre geschlossen. Schwimmvereine und "
            "Schulen müssen in dieser Zeit in die Bäder der Nachbarorte ausweichen.",
            "\u201cDie Technik ist am Ende, eine Sanierung ist günstiger als ein Neubau\u201d, "
            "sagte Bürgermeisterin Sabine Roth in der Sitzung.",
            "Die Opposition kritisierte, dass die Kosten seit der ersten Schätzung um drei "
            "Millionen Euro gestiegen seien.",
            "Der Beschluss fiel mit 24 zu 11 Stimmen.",
        ],
        "links": [("https://www.example-stadt.de/rat/hallenbad", "Stadtrat")],
    },
}
