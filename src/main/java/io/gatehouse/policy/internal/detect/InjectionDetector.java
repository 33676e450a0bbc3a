package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection and jailbreak heuristics with a score in 0..1, for English, German, French,
 * Spanish, Italian and Portuguese. Texts are canonicalized first ({@link TextNormalizer#canonical})
 * and base64 segments are decoded and inspected too, so homoglyphs, zero-width characters,
 * leetspeak, accents and encoding do not change the verdict. All messages are evaluated as one
 * text, so an attack split across messages still matches.
 *
 * <p>Two kinds of signals: phrase signals on the canonical text (letters and single spaces: which
 * words say "ignore your instructions", "reveal your system prompt", "I am the developer", ...) and
 * markup signals on the folded text with its punctuation (role labels such as {@code SYSTEM:},
 * {@code ###Instruction###}, HTML comments addressed to an AI, markdown images whose URL carries a
 * template placeholder or conversation data). Weak signals (a role label alone, a claim to be the
 * developer) stay below 0.5 on their own; an attack combines them.
 *
 * <p>Score: each matching signal has a weight w; the score is {@code 1 - prod(1 - w)}.
 */
public final class InjectionDetector {
    /** The verdict on a request's texts. */
    public record Result(double score, List<String> signals, boolean obfuscated) {}

    /**
     * One phrase heuristic on canonical text. {@code hints}: canonical-text literals of which every
     * match contains one; a text without any skips the regex. {@code anchored}: every match starts
     * with a hint, so the regex is only tried where a hint starts (most patterns begin with a long
     * word alternation, which is slow to try at every position).
     */
    record Signal(String name, Pattern pattern, double weight, String[] hints, boolean anchored) {}

    /**
     * One markup heuristic on folded text without accents. {@code needles}: literals of which every
     * match contains one ({@code anchored}: starts with one).
     */
    record MarkupSignal(
            String name, Pattern pattern, double weight, String[] needles, boolean anchored) {}

    // ---- word lists (canonical spelling: lower case, no accents; 'l' is folded to 'i' later) ----

    /** Imperatives that discard instructions. */
    private static final String[] OVERRIDE_VERBS =
            list(
                    "ignor*|disregard*|forget|skip|override|bypass|drop|abandon|discard|set aside|stop following|do not follow|don t follow|dont follow|no longer follow|stop obeying|vergiss|vergesst|missacht*|ubergeh*|verwirf|losch*|halte dich nicht|halt dich nicht|befolge nicht|befolge keine|setz dich uber|setze dich uber|hor auf|hore auf|oubli*|ne tiens plus compte|ne tiens pas compte|ne tenez plus compte|ne tenez pas compte|fais abstraction|faites abstraction|efface*|ne respecte plus|ne respectez plus|ne suis plus|outrepasse*|passe outre|arrete de suivre|olvid*|no hagas caso|haz caso omiso|pasa por alto|omite|borra|deja de seguir|descarta|no sigas|dimentic*|non tenere conto|lascia perdere|tralascia|cancella|smetti di seguire|non seguire|scarta|trascura|esquec*|esqueca|desconsider*|deixe de lado|apague|pare de seguir|nao siga|descarte|despreze|reset|remets a zero|remettez a zero|reinitialise|zere|zera|resetta|azzera|restablece|schluss mit");

    /** Words that make "the instructions" the model's own: all, previous, your, ... */
    private static final String[] QUALIFIERS =
            list(
                    "all|any|every|previous|prior|above|earlier|preceding|original|initial|your|system|whatever|existing|current|default|former|alle|allen|vorherigen|vorigen|bisherigen|obigen|fruheren|ursprunglichen|deine|deinen|deiner|samtliche|samtlichen|jegliche|toutes|tous|precedentes|precedents|anterieures|initiales|tes|vos|ta|ton|todas|todos|anteriores|previas|tus|tu|originales|iniciales|tutte|tutti|precedenti|tue|tuoi|originali|iniziali|suas|seus|sua|seu|originais|iniciais|ninguna|ninguno|nessuna|nessuno|keine|keiner|aucune|aucun|nenhuma|nenhum|alten|old|anciennes|antiguas|vecchie");

    /** Qualifiers that follow the noun ("the rules above", "les consignes précédentes"). */
    private static final String[] POST_QUALIFIERS =
            list(
                    "above|before|so far|earlier|previously|given|you were given|you received|oben|bisher|zuvor|vorher|ci dessus|precedentes|anterieures|recues|de arriba|anteriores|previas|recibidas|sopra|precedenti|ricevute|finora|acima|recebidas");

    /** What gets ignored: instructions, rules, guidelines, ... */
    private static final String[] RULE_NOUNS =
            list(
                    "instruction|instructions|prompt|prompts|rules|directions|guidelines|directives|guardrails|programming|restrictions|guidance|orders|constraints|policies|commands|safeguards|anweisungen|anweisung|instruktionen|regeln|vorgaben|richtlinien|befehle|programmierung|einschrankungen|beschrankungen|direktiven|leitlinien|consignes|regles|programmation|ordres|instrucciones|indicaciones|reglas|normas|directrices|pautas|ordenes|programacion|restricciones|istruzioni|indicazioni|regole|linee guida|direttive|programmazione|restrizioni|ordini|instrucoes|orientacoes|regras|diretrizes|ordens|programacao|restricoes");

    /**
     * Not followed by "of ...": the rules of chess, die Regeln des Spiels, las reglas del juego.
     */
    private static final String NOT_OF =
            "(?! (?:of|des|der|del|della|dello|dei|degli|do|da|dos|das|du)(?![^ ]))";

    /** Phrases that declare instructions void. */
    private static final String[] VOID_PHRASES =
            list(
                    "no longer apply|no longer applies|no longer valid|no longer count|are void|is void|are null|are cancel*|is cancel*|are invalid|are revoked|are suspended|is suspended|do not apply|don t apply|are over|is over|ungultig|hinfallig|aufgehoben|ausser kraft|außer kraft|nichtig|widerrufen|ne sont plus|n est plus|sont annule*|est annule*|sont caduque*|est caduc*|sont suspendu*|est suspendu*|ne comptent plus|ya no|quedan anulad*|queda anulad*|queda sin efecto|quedan sin efecto|no son valid*|estan anulad*|quedan suspendid*|queda suspendid*|non sono piu|non e piu|non vale piu|non valgono piu|sono annullat*|e annullat*|sono revocat*|sono sospes*|e sospes*|nao valem mais|nao vale mais|nao sao mais|perdeu a validade|perderam a validade|foram anulad*|estao anulad*|esta anulad*|foram suspens*|esta suspens*|fica sem efeito|ficam sem efeito|non contano|no cuentan|nao contam|zahlen nicht mehr|don t matter|doesn t matter");

    /** Verbs that ask for text to be shown. */
    private static final String[] LEAK_VERBS =
            list(
                    "what is|what are|what s|what were|was ist|was sind|wie lautet|quelle est|quelles sont|cual es|cuales son|qual e|quali sono|quais sao|reveal|print|show|repeat|output|display|leak|tell me|give me|dump|paste|quote|copy|list|share|recite|spell out|translate|summarize|summarise|what is in|what s in|what is written in|what s written in|wiederhole|wiederhol|gib|zeig*|sag mir|sage mir|dis moi|dites moi|verrate|nenne|kopier*|ubersetze|zitiere|fass|was steht in|liste|repete|affiche|montre*|revele*|donne*|cite|copie|traduis|resume|qu y a t il dans|que contient|repite|muestra*|ensena*|revela*|dame|dime|cita|copia|traduce|que pone en|que dice|enumera|ripeti|mostra*|rivela*|dammi|dimmi|traduci|riassumi|cosa c e scritto|cosa dice|elenca|fammi vedere|repita|mostre*|revele|me de|diga*|cite|copie|traduza|resuma|o que esta escrito|o que diz|liste|recopie|incolla|cole|pega|colle|kopiere");

    /** Possessives addressed to the model. */
    private static final String[] YOUR =
            list(
                    "your|dein|deine|deinen|deinem|deiner|ton|ta|tes|tu|tus|tuo|tua|tuoi|tue|seu|sua|seus|suas");

    /** German verbs that end the sentence: "deine Konfiguration zeigen". */
    private static final String[] GERMAN_SHOW_VERBS =
            list(
                    "zeigen|ausgeben|aus|verraten|nennen|wiederholen|preisgeben|offenlegen|kopieren|zitieren|ubersetzen");

    /** The model's own configuration. */
    private static final String[] OWN_PROMPT =
            list(
                    "system prompt|system message|system instructions|initial prompt|initial instructions|original instructions|hidden instructions|instructions|prompt|configuration|first instruction|very first instruction|initial instruction|consigne|consigne initiale|instruction initiale|instruccion inicial|istruzione iniziale|instrucao inicial|anweisung|ursprungliche anweisung|systemprompt|systemanweisungen|systemnachricht|anweisungen|instruktionen|ursprunglichen instruktionen|ursprunglichen anweisungen|konfiguration|allererste anweisung|erste anweisung|prompt systeme|consignes systeme|consignes|instructions initiales|premiere instruction|toute premiere instruction|prompt del sistema|prompt de sistema|instrucciones del sistema|instrucciones iniciales|instrucciones|configuracion|primera instruccion|primerisima instruccion|prompt di sistema|istruzioni di sistema|istruzioni iniziali|istruzioni|configurazione|prima istruzione|primissima istruzione|prompt do sistema|instrucoes de sistema|instrucoes iniciais|instrucoes|configuracao|primeira instrucao|primeirissima instrucao");

    /** Nouns for what a model was told. */
    private static final String[] TOLD_NOUNS =
            list(
                    "instructions|rules|guidelines|prompt|configuration|anweisungen|regeln|instruktionen|vorgaben|konfiguration|consignes|regles|instrucciones|reglas|indicaciones|configuracion|istruzioni|regole|indicazioni|configurazione|instrucoes|regras|orientacoes|configuracao|preamble|system message|message systeme|systemnachricht|mensaje del sistema|messaggio di sistema|mensagem do sistema|prompt de sistema|prompt do sistema|prompt di sistema|prompt del sistema|prompt systeme|systemprompt");

    /** AIs, bots, models, personas. */
    private static final String[] AI_WORDS =
            list(
                    "ai|ki|ia|bot|chatbot|gpt|model|modell|modelo|modello|assistant|assistent|asistente|assistente|twin|zwilling|jumeau|gemelo|gemello|gemeo|version|persona|character|personnage|personaje|personaggio|personagem");

    /** Words that assign a persona to the model. */
    private static final String[] PERSONA =
            list(
                    "you are|you re|you were|you will be|you play|you ll play|act as|du bist|du spielst|wenn du|sei|tu so|tu es|tu joues|sois|fais semblant|si tu etais|eres|finge|interpretas|si fueras|interpreti|fingi|immagina di essere|se fossi|voce e|finja|seja|interpreta|se voce fosse|play the role|play the part|spiel die rolle|spiele die rolle|ubernimm die rolle|joue le role|incarne|haz el papel|interpreta el papel|fai la parte|interpreta il ruolo|faca o papel|interprete o papel");

    /** Negations before rules. */
    private static final String[] WITHOUT =
            list(
                    "no|without|with no|keine|keinerlei|ohne|sans|aucune|aucun|sin|ningun|ninguna|senza|alcun|alcuna|nessun|nessuna|sem|nenhum|nenhuma|free of|frei von|not any|there are no|es gibt keine|il n y a pas de|il n y a aucune|n existe aucune|no hay|no existen|non ci sono|non esistono|nao ha|nao existem|zero|with zero");

    /** Limits a jailbreak removes. */
    private static final String[] LIMITS =
            list(
                    "rules|ethics|ethical rules|morals|morality|limits|limitations|restrictions|guidelines|filters|censorship|boundaries|content polic*|policies|regeln|ethik|ethische regeln|moral|grenzen|beschrankungen|einschrankungen|richtlinien|inhaltsrichtlinien|filter|zensur|regles|regles ethiques|ethique|morale|limites|directives|filtres|censure|politique de contenu|politiques de contenu|reglas|reglas eticas|etica|restricciones|directrices|filtros|censura|politica de contenido|politicas de contenido|regole|regole etiche|limiti|restrizioni|linee guida|filtri|policy|policy sui contenuti|regras|regras eticas|restricoes|diretrizes|politica de conteudo|politicas de conteudo|scruples|skrupel|scrupules|escrupulos|scrupoli|rule|guideline|restriction|limit|filter|directive|directriz|linea guida|diretriz|regla|regola|regra|restriccion|restrizione|restricao|limite|filtro|filtre|richtlinie|regel|einschrankung|beschrankung");

    private static final List<Signal> SIGNALS_1 =
            List.of(
                    // -- override: discard the instructions --
                    signal(
                            "ignore_instructions",
                            words(OVERRIDE_VERBS)
                                    + "(?:"
                                    + gap(3)
                                    + " "
                                    + words(QUALIFIERS)
                                    + gap(2)
                                    + " "
                                    + words(RULE_NOUNS)
                                    + NOT_OF
                                    + "|"
                                    + gap(3)
                                    + " "
                                    + words(RULE_NOUNS)
                                    + " "
                                    + words(POST_QUALIFIERS)
                                    + ")",
                            0.85,
                            stems(OVERRIDE_VERBS)),
                    signal(
                            "discard_rules",
                            words(OVERRIDE_VERBS) + gap(3) + " " + words(RULE_NOUNS) + NOT_OF,
                            0.4,
                            stems(OVERRIDE_VERBS)),
                    signal(
                            "previous_context",
                            words(
                                            "ignore|disregard|forget|vergiss|vergessen|ignorier*|oubli*|ignor*|olvid*|dimentic*|esquec*|esqueca|desconsider*")
                                    + "(?:"
                                    + gap(2)
                                    + " "
                                    + words("everything|all|anything|alles|tout|todo|tutto|tudo")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "above|before|previously|so far|earlier|oben|bisher|zuvor|vorher|avant|auparavant|precede|ci dessus|antes|anterior|arriba|prima|sopra|finora|acima")
                                    + "|"
                                    + gap(5)
                                    + " (?:you were|you ve been|you have been)(?: [^ ]+)? "
                                    + words("told|given|instructed|programmed|taught|trained")
                                    + "|"
                                    + gap(5)
                                    + " "
                                    + words(
                                            "your creators|your developers|your developer|the developer|the developers|they|someone|openai|the operator|your programmers|your makers|the system")
                                    + " "
                                    + words("told|gave|taught|instructed|said")
                                    + "|"
                                    + gap(5)
                                    + " man dir"
                                    + gap(2)
                                    + " "
                                    + words("gesagt|vorgegeben|aufgetragen|beigebracht|befohlen")
                                    + "|"
                                    + gap(5)
                                    + " on (?:t|vous) a(?: [^ ]+)? "
                                    + words("dit|donne*|demande|appris|ordonne")
                                    + "|"
                                    + gap(5)
                                    + " te "
                                    + words(
                                            "dijeron|han dicho|ordenaron|indicaron|programaron|ensenaron")
                                    + "|"
                                    + gap(5)
                                    + " ti "
                                    + words("e stato|sono state|hanno")
                                    + "(?: [^ ]+)? "
                                    + words("detto|dette|ordinato|insegnato|dato|date")
                                    + "|"
                                    + gap(5)
                                    + " (?:te|lhe) "
                                    + words(
                                            "disseram|foi dito|mandaram|ensinaram|deram|programaram")
                                    + ")",
                            0.75,
                            "ignore",
                            "disregard",
                            "forget",
                            "vergiss",
                            "vergessen",
                            "ignor",
                            "oubli",
                            "olvid",
                            "dimentic",
                            "esquec",
                            "esqueca",
                            "desconsider"),
                    signal(
                            "instructions_void",
                            "(?:"
                                    + words(
                                            "earlier|previous|prior|above|old|original|initial|former|your|bisherig*|vorherig*|fruher*|ursprunglich*|obig*|dein*|ta|tu|tua|sua")
                                    + gap(1)
                                    + " "
                                    + words(RULE_NOUNS)
                                    + "|"
                                    + words(RULE_NOUNS)
                                    + gap(3)
                                    + "|"
                                    + words(RULE_NOUNS)
                                    + " "
                                    + words(
                                            "precedentes|anterieures|initiales|previas|anteriores|originales|iniciales|precedenti|ricevute|originali|iniziali|originais|iniciais")
                                    + "|"
                                    + words(
                                            "everything above|all of the above|alles was oben steht|alles bisherige|tout ce qui precede|tout ce qui est au dessus|todo lo anterior|todo lo de arriba|tutto cio che c e sopra|tutto quello sopra|tutto cio che precede|tudo o que esta acima|tudo acima|tudo o que veio antes")
                                    + ")"
                                    + gap(4)
                                    + " "
                                    + words(VOID_PHRASES),
                            0.45,
                            concat(
                                    stems(
                                            "earlier|previous|prior|above|old|original|initial|former|your|bisherig|vorherig|fruher|ursprunglich|obig|dein|ta|tu|tua|sua|everything above|all of the above|alles|tout|todo|tutto|tudo"),
                                    stems(RULE_NOUNS))),
                    signal(
                            "obey_only_me",
                            words(
                                            "obey|follow|listen to|befolge|folge|gehorche|obeis|obeissez|suis|obedece|sigue|obbedisci|segui|obedeca|siga|ubbidisci")
                                    + gap(1)
                                    + " "
                                    + words(
                                            "only|nur|nur noch|exclusively|ausschliesslich|ausschließlich|uniquement|seulement|solo|solamente|unicamente|soltanto|esclusivamente|somente|apenas|exclusivamente")
                                    + "(?: a| to| ai| alle| as| aos| à)? "
                                    + words(
                                            "me|mir|moi|mi|my|meine|meinen|meinem|mes|mis|miei|mie|minhas|meus|this|diesem|dieser|cet|cette|esta|este|questo|questa")
                                    + "|"
                                    + words("only|nur|seules|seuls|solo|soltanto|so")
                                    + "(?: noch)? "
                                    + words("my|meine|mes|mis|le mie|as minhas|minhas")
                                    + " "
                                    + words(
                                            "rules|orders|commands|instructions|regeln|befehle|anweisungen|regles|ordres|reglas|ordenes|instrucciones|regole|ordini|istruzioni|regras|ordens|instrucoes"),
                            0.45,
                            "ubbidisci",
                            "obey",
                            "follow",
                            "listen to",
                            "befolge",
                            "folge",
                            "gehorche",
                            "obeis",
                            "suis",
                            "obedece",
                            "sigue",
                            "obbedisci",
                            "segui",
                            "obedeca",
                            "siga",
                            "only",
                            "nur",
                            "seules",
                            "seuls",
                            "solo",
                            "soltanto",
                            "so"),
                    // -- prompt leak --
                    signal(
                            "reveal_system_prompt",
                            "(?<![^ ])(?:reveal|print|show|repeat|output|display|leak|tell me|give me|dump)(?: [a-z]+){0,4}"
                                    + " (?:system prompt|system message|initial instructions|hidden instructions|original instructions|instructions above|secret instructions|developer message)",
                            0.75,
                            "reveal",
                            "print",
                            "show",
                            "repeat",
                            "output",
                            "display",
                            "leak",
                            "tell me",
                            "give me",
                            "dump"),
                    signal(
                            "reveal_own_prompt",
                            "(?:"
                                    + words(LEAK_VERBS)
                                    + gap(4)
                                    + " "
                                    + words(YOUR)
                                    + gap(2)
                                    + " "
                                    + words(OWN_PROMPT)
                                    + "|"
                                    + words(YOUR)
                                    + gap(2)
                                    + " "
                                    + words(OWN_PROMPT)
                                    + gap(2)
                                    + " "
                                    + words(GERMAN_SHOW_VERBS)
                                    + ")",
                            0.7,
                            concat(stems(LEAK_VERBS), stems(YOUR))),
                    signal(
                            "instructions_received",
                            words(TOLD_NOUNS)
                                    + gap(4)
                                    + " (?:you were given|you ve been given|you have been given|you received|you got|given to you"
                                    + "|hast du(?: [^ ]+){0,5} (?:erhalten|bekommen)|die dir(?: [^ ]+){0,3} gegeben"
                                    + "|as tu recu[^ ]*|t a (?:donne|fourni)[^ ]*|recibiste|te dio|te dieron|te han dado"
                                    + "|hai ricevuto|ti ha dato|ti hanno dato|voce recebeu|recebeu|te deu|te deram|lhe deu|lhe deram)",
                            0.45,
                            stems(TOLD_NOUNS)),
                    signal(
                            "operator_rules",
                            words(LEAK_VERBS)
                                    + gap(4)
                                    + " "
                                    + words(TOLD_NOUNS)
                                    + gap(5)
                                    + " "
                                    + words(
                                            "the developer|the operator|your developer|your developers|your creators|the creator|dem entwickler|der entwickler|des betreibers|der betreiber|dem betreiber|le developpeur|l operateur|el desarrollador|el operador|lo sviluppatore|l operatore|o desenvolvedor|o operador"),
                            0.45,
                            stems(LEAK_VERBS)),
                    signal(
                            "hidden_rules",
                            words(LEAK_VERBS)
                                    + gap(4)
                                    + " (?:"
                                    + words(
                                            "hidden|secret|internal|confidential|versteckt*|geheim*|vertraulich*")
                                    + gap(1)
                                    + " "
                                    + words(TOLD_NOUNS)
                                    + "|"
                                    + words(TOLD_NOUNS)
                                    + gap(1)
                                    + " "
                                    + words(
                                            "cache*|secret*|confidentiel*|ocult*|confidencial*|nascost*|segret*|riservat*|sigilos*")
                                    + ")",
                            0.4,
                            stems(LEAK_VERBS)),
                    signal(
                            "text_above",
                            words(LEAK_VERBS)
                                    + gap(4)
                                    + " "
                                    + words(
                                            "text|texto|testo|texte|everything|alles|tout|todo|tutto|tudo|words")
                                    + gap(2)
                                    + " "
                                    + words(
                                            "above|oben|ci dessus|de arriba|qui sopra|sopra|acima|arriba"),
                            0.4,
                            stems(LEAK_VERBS)),
                    signal(
                            "before_conversation",
                            words(
                                            concat(
                                                    TOLD_NOUNS,
                                                    new String[] {
                                                        "everything|all|alles|tout|todo|tutto|tudo|text|texte|texto|testo"
                                                    }))
                                    + gap(8)
                                    + " "
                                    + words("before|vor|avant|antes|prima|precede|preceding")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "my first message|meiner ersten nachricht|mon premier message|mi primer mensaje|mio primo messaggio|minha primeira mensagem|our conversation|this conversation|the conversation|unseres gesprachs|unserem gesprach|dieses gesprachs|notre conversation|cette conversation|nuestra conversacion|esta conversacion|nostra conversazione|questa conversazione|nossa conversa|desta conversa|this chat"),
                            0.65,
                            concat(
                                    stems(TOLD_NOUNS),
                                    stems(
                                            "everything|all|alles|tout|todo|tutto|tudo|text|texte|texto|testo"))),
                    signal(
                            "instructions_at_start",
                            words(TOLD_NOUNS)
                                    + gap(6)
                                    + " "
                                    + words(
                                            "at the start|at the beginning|am anfang|ganz am anfang|zu beginn|au debut|al principio|al inicio|all inizio|no inicio|no comeco"),
                            0.45,
                            stems(TOLD_NOUNS)),
                    signal(
                            "session_instructions",
                            words(LEAK_VERBS)
                                    + gap(6)
                                    + " "
                                    + words(TOLD_NOUNS)
                                    + gap(5)
                                    + " "
                                    + words(
                                            "this session|this conversation|this chat|the session|your session|came with|come with|at the start|at the beginning|dieser sitzung|dieses gesprachs|cette session|cette conversation|esta sesion|esta conversacion|questa sessione|questa conversazione|esta sessao|desta sessao|desta conversa"),
                            0.55,
                            stems(LEAK_VERBS)),
                    signal(
                            "what_were_you_told",
                            words(
                                    "what were you told|what have you been told|what did the developer tell you|what did your developer tell you|what did they tell you|was wurde dir gesagt|was hat man dir gesagt|qu est ce qu on t a dit|que t a t on dit|que te dijeron|que te han dicho|cosa ti hanno detto|cosa ti e stato detto|o que te disseram|o que lhe disseram|o que te foi dito"),
                            0.5,
                            stems(
                                    "what were you told|what have you been told|what did the developer tell you|what did your developer tell you|what did they tell you|was wurde dir gesagt|was hat man dir gesagt|qu est ce qu on t a dit|que t a t on dit|que te dijeron|que te han dicho|cosa ti hanno detto|cosa ti e stato detto|o que te disseram|o que lhe disseram|o que te foi dito")),
                    signal(
                            "starting_with_you_are",
                            words(
                                            "starting|beginning|begin|start|beginnend|beginne|en commencant|commence|empezando|empieza|comenzando|a partire|iniziando|inizia|comecando|comece")
                                    + gap(2)
                                    + " "
                                    + words("you are|du bist|tu es|eres|sei|voce e"),
                            0.35,
                            "starting",
                            "beginning",
                            "begin",
                            "start",
                            "beginnend",
                            "beginne",
                            "en commencant",
                            "commence",
                            "empezando",
                            "empieza",
                            "comenzando",
                            "a partire",
                            "iniziando",
                            "inizia",
                            "comecando",
                            "comece"),
                    signal(
                            "verbatim",
                            words(
                                    "include everything|gib alles aus|inclus tout|incluyelo todo|includi tutto|inclua tudo|in full|vollstandig auf|integralement|completas|per intero|por completo|word for word|verbatim|wortlich|wort fur wort|mot pour mot|mot a mot|palabra por palabra|literalmente|parola per parola|alla lettera|palavra por palavra|in a code block|in einem codeblock|dans un bloc de code|en un bloque de codigo|in un blocco di codice|num bloco de codigo|em um bloco de codigo|unchanged|unverandert|sans modification|sin cambios|senza modifiche|sem alterar|exactement|exactly as|tal cual|esattamente|exatamente"),
                            0.25,
                            stems(
                                    "include everything|gib alles aus|inclus tout|incluyelo todo|includi tutto|inclua tudo|in full|vollstandig auf|integralement|completas|per intero|por completo|word for word|verbatim|wortlich|wort fur wort|mot pour mot|mot a mot|palabra por palabra|literalmente|parola per parola|alla lettera|palavra por palavra|in a code block|in einem codeblock|dans un bloc de code|en un bloque de codigo|in un blocco di codice|num bloco de codigo|em um bloco de codigo|unchanged|unverandert|sans modification|sin cambios|senza modifiche|sem alterar|exactement|exactly as|tal cual|esattamente|exatamente")),
                    // -- role play and jailbreak personas --
                    signal(
                            "persona_override",
                            words(
                                            "you are now|you re now|from now on you are|pretend to be|pretend you are|act as|roleplay as|behave as|you will now act as|du bist jetzt|du bist nun|du bist ab jetzt|du bist ab sofort|verhalte dich wie|tu es maintenant|tu es desormais|comporte toi comme|ahora eres|desde ahora eres|comportate como|actua como|ora sei|comportati come|agora voce e|comporte se como|aja como")
                                    + gap(4)
                                    + " "
                                    + words(
                                            "dan|unrestricted|unfiltered|uncensored|jailbroken|evil|without any rules|without rules|without restrictions|without any restrictions|without limits|without filters|developer mode|no rules|an ai without|uneingeschrankt*|ungefiltert*|unzensiert*|ohne regeln|ohne grenzen|ohne einschrankungen|sans restrictions|sans restriction|sans filtre|sansfiltre|sans limites|sans regles|sans censure|sin restricciones|sin filtro|sinfiltro|sin limites|sin reglas|sin censura|senza restrizioni|senza filtri|senzafiltri|senza limiti|senza regole|senza censura|sem restricoes|sem filtro|semfiltro|sem limites|sem regras|sem censura"),
                            0.7,
                            stems(
                                    "you are now|you re now|from now on you are|pretend to be|pretend you are|act as|roleplay as|behave as|you will now act as|du bist jetzt|du bist nun|du bist ab jetzt|du bist ab sofort|verhalte dich wie|tu es maintenant|tu es desormais|comporte toi comme|ahora eres|desde ahora eres|comportate como|actua como|ora sei|comportati come|agora voce e|comporte se como|aja como")),
                    signal(
                            "dan",
                            "(?<![^ ])(?:do anything now|dan mode\\b|dan prompt\\b|stan mode\\b)",
                            0.7,
                            "do anything now",
                            "dan mode",
                            "dan prompt",
                            "stan mode"),
                    signal(
                            "jailbreak_word",
                            "\\b(?:jaiibreak|jaiibroken|jaiibreaking)\\b",
                            0.35,
                            "jailbreak",
                            "jailbroken"),
                    signal(
                            "developer_mode",
                            "(?<![^ ])(?:deveioper mode|god mode|admin mode|debug mode enabied|sudo mode"
                                    + "|maintenance mode enabied|entwickiermodus|wartungsmodus|mode deveioppeur|mode maintenance active"
                                    + "|modo desarroiiador|modo de desarroiiador|modo de mantenimiento activado|modo desenvoivedor"
                                    + "|modo de manutencao ativado|modaiita sviiuppatore|modaiita manutenzione attivata)\\b",
                            0.45,
                            "deveioper mode",
                            "god mode",
                            "admin mode",
                            "debug mode",
                            "sudo mode",
                            "maintenance mode",
                            "entwickiermodus",
                            "wartungsmodus",
                            "mode ",
                            "modo ",
                            "modaiita "),
                    signal(
                            "unrestricted_ai",
                            words(PERSONA)
                                    + gap(6)
                                    + " "
                                    + words(AI_WORDS)
                                    + gap(8)
                                    + " "
                                    + words(WITHOUT)
                                    + gap(2)
                                    + " "
                                    + words(LIMITS),
                            0.55,
                            stems(PERSONA)),
                    signal(
                            "stay_in_character",
                            words(
                                    "stay in character|never break character|don t break character|do not break character|bleib immer in der rolle|bleib in der rolle|fall nie aus der rolle|fall niemals aus der rolle|reste dans ton personnage|reste dans le personnage|ne sors jamais du personnage|no salgas del personaje|nunca rompas el personaje|resta nel personaggio|non uscire mai dal personaggio|non uscire dal personaggio|nao saia do personagem|nunca quebre o personagem"),
                            0.35,
                            stems(
                                    "stay in character|never break character|don t break character|do not break character|bleib immer in der rolle|bleib in der rolle|fall nie aus der rolle|fall niemals aus der rolle|reste dans ton personnage|reste dans le personnage|ne sors jamais du personnage|no salgas del personaje|nunca rompas el personaje|resta nel personaggio|non uscire mai dal personaggio|non uscire dal personaggio|nao saia do personagem|nunca quebre o personagem")),
                    signal(
                            "evil_persona",
                            "(?<![^ ])(?:evii|bose|boser|mechant|maiefique|maivad[oa]|cattiv[oa]|maivagi[oa]|viiiain|schurk[^ ]*"
                                    + "|bosewicht|maquiaveiic[oa]|machiaveiiian|machiaveiiic[oa]|machiaveiique|skrupeiios[^ ]*)"
                                    + " ?(?:bot|ai|ki|ia|gpt|chatbot|assistant|assistent|modeii?)(?![^ ])"
                                    + "|(?<![^ ])(?:ai|ki|ia|chatbot|bot)(?: [^ ]+){0,2} (?:evii|mechante?|maiefique|maivad[oa]|cattiv[oa]|maivagi[oa]"
                                    + "|machiaveiiian|maquiaveiic[oa]|machiaveiiic[oa]|machiaveiique)(?![^ ])",
                            0.4,
                            "evii",
                            "bose",
                            "boser",
                            "mechant",
                            "maiefique",
                            "maivad",
                            "cattiv",
                            "maivagi",
                            "viiiain",
                            "schurk",
                            "bosewicht",
                            "maquiaveiic",
                            "machiaveiii",
                            "skrupeiios",
                            "ai",
                            "ki",
                            "ia",
                            "chatbot",
                            "bot"),
                    signal(
                            "amoral",
                            words(
                                    "no morals|no ethics|without morals|without ethics|without any morals|without scruples|no ethical|no moral|ohne ethische|ohne moral|ohne skrupel|skrupellos*|keine moral|keine ethischen|sans regles ethiques|sans scrupules|sans morale|sans ethique|sin reglas eticas|sin escrupulos|sin moral|sin etica|senza regole etiche|senza scrupoli|senza morale|senza etica|sem regras eticas|sem escrupulos|sem moral|sem etica|amoral*"),
                            0.4,
                            stems(
                                    "no morals|no ethics|without morals|without ethics|without any morals|without scruples|no ethical|no moral|ohne ethische|ohne moral|ohne skrupel|skrupellos|keine moral|keine ethischen|sans regles ethiques|sans scrupules|sans morale|sans ethique|sin reglas eticas|sin escrupulos|sin moral|sin etica|senza regole etiche|senza scrupoli|senza morale|senza etica|sem regras eticas|sem escrupulos|sem moral|sem etica|amoral")),
                    signal(
                            "freed_from_rules",
                            words(
                                            "broken free|break free|breaks free|freed|befreit|liberee|libere|liberado|liberada|liberato|liberata|liberatasi|liberatosi|libertou|libertado|libertada")
                                    + gap(3)
                                    + " "
                                    + words(LIMITS),
                            0.5,
                            "broken free",
                            "break free",
                            "breaks free",
                            "freed",
                            "befreit",
                            "liberee",
                            "libere",
                            "liberad",
                            "liberat",
                            "libertou",
                            "libertad"));

    private static final List<Signal> SIGNALS_2 =
            List.of(
                    signal(
                            "never_refuse",
                            words(
                                    "never refuse|never refuses|without refus*|don t refuse|do not refuse|never says no|always responds|always answers|always complies|niemals ablehn*|nie ablehn*|ohne widerspruch|ohne abzulehnen|lehnt nie|lehnt niemals|antwortet immer|ne refuse jamais|ne refusez jamais|sans refuser|sans jamais refuser|repond toujours|nunca se niega|nunca te niegues|sin negarte|nunca rechaz*|siempre responde|non rifiuta mai|non rifiutare mai|senza rifiutare|risponde sempre|nunca recusa|nunca recuse|sem recusar|sempre responde"),
                            0.45,
                            stems(
                                    "never refuse|never refuses|without refus|don t refuse|do not refuse|never says no|always responds|always answers|always complies|niemals ablehn|nie ablehn|ohne widerspruch|ohne abzulehnen|lehnt nie|lehnt niemals|antwortet immer|ne refuse jamais|ne refusez jamais|sans refuser|sans jamais refuser|repond toujours|nunca se niega|nunca te niegues|sin negarte|nunca rechaz|siempre responde|non rifiuta mai|non rifiutare mai|senza rifiutare|risponde sempre|nunca recusa|nunca recuse|sem recusar|sempre responde")),
                    signal(
                            "ignores_rules",
                            words(
                                            "doesn t care about|does not care about|don t care about|never cares about|kummert sich nicht um|kummert sich nie um|se moque des|se fiche des|pasa de las|no le importan las|se ne infischia delle|se ne frega delle|non gli importa delle|nao liga para|nao se importa com")
                                    + "(?: [^ ]+)? "
                                    + words(LIMITS),
                            0.45,
                            stems(
                                    "doesn t care about|does not care about|don t care about|never cares about|kummert sich nicht um|kummert sich nie um|se moque des|se fiche des|pasa de las|no le importan las|se ne infischia delle|se ne frega delle|non gli importa delle|nao liga para|nao se importa com")),
                    signal(
                            "yes_to_everything",
                            words(
                                    "says yes to everything|say yes to everything|zu allem ja|dit oui a tout|dice que si a todo|dice si a todo|dice si a tutto|diz sim a tudo|answers anything|answers everything|answer everything|answer anything|beantwortet alles|repond a tout|responde a todo|risponde a tutto|responde a tudo"),
                            0.35,
                            stems(
                                    "says yes to everything|say yes to everything|zu allem ja|dit oui a tout|dice que si a todo|dice si a todo|dice si a tutto|diz sim a tudo|answers anything|answers everything|answer everything|answer anything|beantwortet alles|repond a tout|responde a todo|risponde a tutto|responde a tudo")),
                    signal(
                            "late_grandmother",
                            words(
                                            "late|deceased|dead|verstorbene*|defunte|defunta|feue|difunta|fallecida|defunta|scomparsa|falecida|finada")
                                    + " "
                                    + words(
                                            "grandmother|grandma|granny|oma|grossmutter|großmutter|grand mere|abuela|nonna|avo|vovo"),
                            0.35,
                            "late",
                            "deceased",
                            "dead",
                            "verstorbene",
                            "defunte",
                            "feue",
                            "difunta",
                            "fallecida",
                            "defunta",
                            "scomparsa",
                            "falecida",
                            "finada"),
                    signal(
                            "license_keys",
                            "(?:"
                                    + words(
                                            "activation|license|licence|product|serial|lizenz*|windows")
                                    + " "
                                    + words("key|keys|schlussel|codes")
                                    + "|"
                                    + words("lizenzschlussel", "aktivierungsschlussel")
                                    + "|"
                                    + words(
                                            "cle|cles|clave|claves|chiave|chiavi|chave|chaves|codigos|codici")
                                    + " "
                                    + words("de|di|do|da|del|d")
                                    + " "
                                    + words(
                                            "licence|licencia|licenza|licenca|activation|activacion|attivazione|ativacao|produit|producto|prodotto|produto")
                                    + ")",
                            0.35,
                            "activation",
                            "license",
                            "licence",
                            "product",
                            "serial",
                            "lizenz",
                            "windows",
                            "aktivierungsschlussel",
                            "cle",
                            "clave",
                            "chiav",
                            "chave",
                            "codigos",
                            "codici"),
                    signal(
                            "fiction_howto",
                            words(
                                            "story|geschichte|histoire|historia|storia|script|drehbuch|scenario|guion|sceneggiatura|roteiro|movie|film|novel|roman|novela|romanzo|romance")
                                    + gap(20)
                                    + " "
                                    + words(
                                            "step by step|schritt fur schritt|etape par etape|paso a paso|passo per passo|passo a passo|exactly how|genau wie|genau erklart|exactement comment|exactamente como|esattamente come|exatamente como|real code|echtem code|vrai code|codigo real|codice vero|codice reale"),
                            0.3,
                            "story",
                            "geschichte",
                            "histoire",
                            "historia",
                            "storia",
                            "script",
                            "drehbuch",
                            "scenario",
                            "guion",
                            "sceneggiatura",
                            "roteiro",
                            "movie",
                            "film",
                            "novel",
                            "roman",
                            "novela",
                            "romanzo",
                            "romance"),
                    signal(
                            "harmful_topic",
                            words(
                                    "ransomware|malware|keylogger|napalm|explosive*|sprengstoff|explosif*|explosivo*|esplosiv*|bomb|bombe|bomba|weapon|waffe|arme|arma|poison*|vergift*|empoisonn*|envenen*|avvelen*|hack|hacken|hackt|pirater|hackear|violare|invadir|fake id|meth|rançongiciel|rancongiciel|lock|schloss|serrure|cerradura|serratura|fechadura|alarm system|alarmanlage|alarme|alarma|allarme"),
                            0.2,
                            stems(
                                    "ransomware|malware|keylogger|napalm|explosive|sprengstoff|explosif|explosivo|esplosiv|bomb|bombe|bomba|weapon|waffe|arme|arma|poison|vergift|empoisonn|envenen|avvelen|hack|hacken|hackt|pirater|hackear|violare|invadir|fake id|meth|rancongiciel|lock|schloss|serrure|cerradura|serratura|fechadura|alarm system|alarmanlage|alarme|alarma|allarme")),
                    // -- authority claims --
                    signal(
                            "authority_claim",
                            "(?:"
                                    + words(
                                            "i am|i m|this is|as|as your|message from|speaking is|here speaks|ich bin|hier spricht|als|nachricht von|ich gehore zum|je suis|ici|en tant qu|message de|je fais partie de|soy|habla|como|mensaje de|formo parte del|sono|parla|in qualita di|come|messaggio dai|messaggio da|faccio parte del|sou|aqui fala|mensagem dos|mensagem de|faco parte da")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "developer|developers|admin|administrator|system administrator|sysadmin|creator|creators|owner|operator|openai|anthropic|staff|security team|lead engineer|entwickler|entwicklern|systemadministrator|besitzer|eigentumer|betreiber|hersteller|sicherheitsteam|developpeur|administrateur|proprietaire|createurs|operateur|l equipe de securite|desarrollador|administrador|dueno|propietario|creadores|operador|equipo de seguridad|sviluppatore|amministratore|proprietario|creatori|operatore|team di sicurezza|desenvolvedor|dono|criadores|equipe de seguranca|trust safety team|trust safety|lead engineer|leitender ingenieur|ingenieur principal|ingeniero jefe|ingegnere capo|engenheiro chefe")
                                    + "|"
                                    + words("i have|ich habe|j ai|tengo|ho|tenho")
                                    + gap(1)
                                    + " "
                                    + words(
                                            "root|admin|administrator|full|acces|acceso|accesso|acesso")
                                    + " "
                                    + words("access|zugriff|acces|acceso|accesso|acesso|root|admin")
                                    + ")",
                            0.3,
                            "i am",
                            "i m",
                            "this is",
                            "as",
                            "message from",
                            "speaking is",
                            "here speaks",
                            "ich bin",
                            "hier spricht",
                            "als",
                            "nachricht von",
                            "ich gehore zum",
                            "je suis",
                            "ici",
                            "en tant qu",
                            "message de",
                            "je fais partie de",
                            "soy",
                            "habla",
                            "como",
                            "mensaje de",
                            "formo parte del",
                            "sono",
                            "parla",
                            "in qualita di",
                            "come",
                            "messaggio da",
                            "faccio parte del",
                            "sou",
                            "aqui fala",
                            "mensagem d",
                            "faco parte da",
                            "i have",
                            "ich habe",
                            "j ai",
                            "tengo",
                            "ho",
                            "tenho"),
                    signal(
                            "grants_permission",
                            words(
                                    "i authorize you|i authorise you|authorizing you|authorising you|i grant you|grant you permission|i give you permission|i permit you|i allow you|i approve you|approve you to|you are cleared|you are authorized|you are authorised|you are permitted|you are now allowed|is now allowed|are now allowed|you are allowed|permission to|autorisiere dich|dir die erlaubnis|ich erlaube dir|du darfst ab jetzt|du darfst jetzt|du darfst nun|darf jetzt|genehmige offiziell|genehmige ich|je t autorise|je vous autorise|je te donne la permission|tu peux desormais|tu es autorise|est maintenant autorise|je t autorise officiellement|te autorizo|te doy permiso|ya puedes|ya puede|estas autorizado|ti autorizzo|ti concedo il permesso|ora puoi|ora puo|sei autorizzato|autorizo oficialmente|autorizo|dou lhe permissao|te dou permissao|agora voce pode|agora pode|i order you|i m ordering you|ordering you|ich befehle dir|je t ordonne|te ordeno|ti ordino|eu te ordeno|ti do l autorizzazione|te doy la autorizacion|je te donne l autorisation|i give you authorization|ich gebe dir die erlaubnis"),
                            0.4,
                            stems(
                                    "i authorize you|i authorise you|authorizing you|authorising you|i grant you|grant you permission|i give you permission|i permit you|i allow you|i approve you|approve you to|you are cleared|you are authorized|you are authorised|you are permitted|you are now allowed|is now allowed|are now allowed|you are allowed|permission to|autorisiere dich|dir die erlaubnis|ich erlaube dir|du darfst ab jetzt|du darfst jetzt|du darfst nun|darf jetzt|genehmige offiziell|genehmige ich|je t autorise|je vous autorise|je te donne la permission|tu peux desormais|tu es autorise|est maintenant autorise|te autorizo|te doy permiso|ya puedes|ya puede|estas autorizado|ti autorizzo|ti concedo il permesso|ora puoi|ora puo|sei autorizzato|autorizo|dou lhe permissao|te dou permissao|agora voce pode|agora pode|i order you|i m ordering you|ordering you|ich befehle dir|je t ordonne|te ordeno|ti ordino|eu te ordeno|ti do l autorizzazione|te doy la autorizacion|je te donne l autorisation|i give you authorization|ich gebe dir die erlaubnis")),
                    signal(
                            "restrictions_lifted",
                            words(
                                            "restrictions|filters|policy checks|policies|safety rules|safety policy|safety checks|content filters|guardrails|limits|safeguards|beschrankungen|einschrankungen|richtlinienprufungen|sicherheitsregeln|richtlinien|schutzmechanismen|filtres|controles|politiques|restricciones|filtros|politicas|restrizioni|filtri|controlli|restricoes|verificacoes")
                                    + gap(4)
                                    + " "
                                    + words(
                                            "lifted|suspended|disabled|removed|void|off|deactivated|waived|aufgehoben|ausgesetzt|deaktiviert|abgeschaltet|entfernt|levees|suspendus|suspendues|desactives|desactivees|supprimees|annulees|levantadas|suspendidos|suspendidas|desactivados|desactivadas|anuladas|revocate|sospesi|sospese|disattivati|disattivate|annullate|rimosse|suspensas|suspensos|desativados|desativadas|removidas"),
                            0.45,
                            stems(
                                    "restrictions|filters|policy checks|policies|safety rules|safety policy|safety checks|content filters|guardrails|limits|safeguards|beschrankungen|einschrankungen|richtlinienprufungen|sicherheitsregeln|richtlinien|schutzmechanismen|filtres|controles|politiques|restricciones|filtros|politicas|restrizioni|filtri|controlli|restricoes|verificacoes")),
                    signal(
                            "my_instructions_first",
                            words("my|meine|mes|mis|le mie|as minhas|minhas")
                                    + " "
                                    + words(
                                            "instructions|anweisungen|regeln|consignes|instrucciones|istruzioni|instrucoes|orders|commands|befehle|ordres|ordenes|ordini|ordens")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "take precedence|override|come first|have priority|over the ones|over yours|over your|instead of yours|vorrang|haben vorrang|gehen vor|priment|ont la priorite|tienen prioridad|prevalecen|hanno la precedenza|hanno priorita|prevalgono|tem prioridade|prevalecem"),
                            0.45,
                            "my",
                            "meine",
                            "mes",
                            "mis",
                            "le mie",
                            "as minhas",
                            "minhas"),
                    signal(
                            "comply_with_everything",
                            "(?:"
                                    + words(
                                            "comply with|follow|obey|execute|answer|befolge|gehorche|fuhre|beantworte|execute|obeis|reponds a|cumple|obedece|responde a|esegui|obbedisci|rispondi a|cumpra|obedeca|responda a|atenda a|atender a|satisfaire|cumplir|soddisfare|executez")
                                    + gap(2)
                                    + " "
                                    + words(
                                            "all|every|any|alle|allen|jede|jeder|samtliche|toutes|tous|chaque|todas|todos|cada|tutte|tutti|ogni|qualsiasi")
                                    + gap(2)
                                    + " "
                                    + words(
                                            "commands|requests|request|orders|instructions|question|questions|befehle|anfragen|anweisungen|frage|fragen|commandes|demandes|ordres|comandos|peticiones|solicitudes|ordenes|pregunta|preguntas|comandi|richiesta|richieste|ordini|domanda|domande|pedidos|ordens|pergunta|perguntas")
                                    + "|"
                                    + words("alle|allen|samtlichen|jeder")
                                    + "(?: [^ ]+)? "
                                    + words("anfragen|befehlen|anweisungen|bitten")
                                    + " "
                                    + words("nachkommen|folgen|gehorchen|befolgen")
                                    + ")",
                            0.4,
                            "comply with",
                            "follow",
                            "obey",
                            "execute",
                            "answer",
                            "befolge",
                            "gehorche",
                            "fuhre",
                            "beantworte",
                            "obeis",
                            "reponds a",
                            "cumple",
                            "obedece",
                            "responde a",
                            "esegui",
                            "obbedisci",
                            "rispondi a",
                            "cumpra",
                            "obedeca",
                            "responda a",
                            "atenda a",
                            "atender a",
                            "satisfaire",
                            "cumplir",
                            "soddisfare",
                            "alle",
                            "samtlichen",
                            "jeder"),
                    // -- indirect injection inside documents --
                    signal(
                            "note_to_ai",
                            "(?:"
                                    + words(
                                            "note|notice|message|instruction|instructions|hinweis|notiz|nachricht|anweisung|consigne|indication|nota|indicacion|instruccion|istruzione|instrucao|aviso|avviso|important|wichtig|importante|p s|ps|reminder|hint")
                                    + " "
                                    + words("to|for|an|fur|pour|aux|a|para|per|al|alla|ao|aos")
                                    + "(?: "
                                    + words(
                                            "the|die|das|i|la|l|o|os|le|les|los|las|gli|il|all|any|every|jede|toute|tout|cualquier|qualsiasi|qualquer|den|dem|der")
                                    + ")? "
                                    + words(
                                            "ai|ki|ia|ai systems|ai system|ki systeme|systemes d ia|sistemas de ia|sistemi di ia|language model|language models|sprachmodell|modele de langage|modelo de lenguaje|modello linguistico|modelo de linguagem|llm|llms|chatbot|assistant|assistent|asistente|assistente|model|modell|modele|modelo|modello|assistenten")
                                    + "|"
                                    + words(
                                            "if you are an ai|to any ai|any ai reading|wenn du eine ki bist|si tu es une ia|si eres una ia|se sei un ia|se voce e uma ia")
                                    + ")",
                            0.45,
                            "p s",
                            "ps",
                            "reminder",
                            "hint",
                            "note",
                            "notice",
                            "message",
                            "instruction",
                            "hinweis",
                            "notiz",
                            "nachricht",
                            "anweisung",
                            "consigne",
                            "indication",
                            "nota",
                            "indicacion",
                            "instruccion",
                            "istruzione",
                            "instrucao",
                            "aviso",
                            "avviso",
                            "important",
                            "wichtig",
                            "if you are an ai",
                            "to any ai",
                            "any ai reading",
                            "wenn du eine ki bist",
                            "si tu es une ia",
                            "si eres una ia",
                            "se sei un ia",
                            "se voce e uma ia"),
                    signal(
                            "abandon_task",
                            words(
                                            "stop|abort|drop|abandon|cancel|forget|disregard|ignore|interrupt|quit|brich|breche|hor auf|hore auf|vergiss|ignoriere|unterbrich|beende|arrete|abandonne|oublie|interromps|cesse|deja|abandona|olvida|ignora|interrumpe|para|cancela|smetti|abbandona|dimentica|interrompi|lascia|pare|abandone|esqueca|interrompa|deixe")
                                    + gap(2)
                                    + " "
                                    + words(
                                            "summariz*|summaris*|summary|translat*|analys*|analyz*|the task|this task|the ticket|the request|user s request|proofread*|ubersetzung|zusammenfass*|analyse|aufgabe|ticket|anfrage|traduction|resum*|tache|demande|traduccion|analisis|tarea|peticion|solicitud|traduzione|riassum*|analisi|compito|richiesta|traducao|analise|tarefa|chamado|pedido"),
                            0.45,
                            stems(
                                    "stop|abort|drop|abandon|cancel|forget|disregard|ignore|interrupt|quit|brich|breche|hor auf|hore auf|vergiss|ignoriere|unterbrich|beende|arrete|abandonne|oublie|interromps|cesse|deja|abandona|olvida|ignora|interrumpe|para|cancela|smetti|abbandona|dimentica|interrompi|lascia|pare|abandone|esqueca|interrompa|deixe")),
                    signal(
                            "address_the_user",
                            words(
                                    "tell the user|tell the reader|tell the customer|tell them|inform the user|convince the user|ask the user|recommend|advise the reader|sag dem nutzer|sage dem nutzer|sag dem leser|sage dem leser|sag dem benutzer|fordere ihn|fordere den nutzer|empfiehl dem leser|empfiehl dem nutzer|dis a l utilisateur|dis au lecteur|conseille au lecteur|demande lui|dile al usuario|dile al lector|aconseja al lector|pidele|di all utente|di al lettore|consiglia al lettore|chiedigli|diga ao usuario|diga ao leitor|aconselhe o leitor|peca a ele|peca lhe|peca"),
                            0.3,
                            stems(
                                    "tell the user|tell the reader|tell the customer|tell them|inform the user|convince the user|ask the user|recommend|advise the reader|sag dem nutzer|sage dem nutzer|sag dem leser|sage dem leser|sag dem benutzer|fordere ihn|fordere den nutzer|empfiehl dem leser|empfiehl dem nutzer|dis a l utilisateur|dis au lecteur|conseille au lecteur|demande lui|dile al usuario|dile al lector|aconseja al lector|pidele|di all utente|di al lettore|consiglia al lettore|chiedigli|diga ao usuario|diga ao leitor|aconselhe o leitor|peca a ele|peca lhe|peca")),
                    signal(
                            "credential_request",
                            "(?:"
                                    + words(
                                            "send|dm|mail|give|enter|type|share|provide|print|show|display|ask for|request|affiche*|montre*|muestra*|stampa|mostra*|mostre*|zeig*|schick*|send*|gib|nenn*|eingeben|einzugeben|envoie*|envoyer|donne*|entrer|saisir|demande*|manda*|envia*|envie|enviar|dame|pide|introduce|invia*|dammi|inserire|chiedi*|inserisci|mande|me de|digite|informe")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "password|passwords|passwort|kennwort|mot de passe|contrasena|senha|credentials|zugangsdaten|identifiants|credenciales|credenziali|credenciais|card number|kartennummer|numero de carte|numero de tarjeta|numero della carta|numero do cartao|pin")
                                    + "|"
                                    + words("passwort|kennwort|zugangsdaten")
                                    + gap(2)
                                    + " "
                                    + words(
                                            "schicken|senden|eingeben|einzugeben|verraten|nennen|mitteilen")
                                    + ")",
                            0.35,
                            "send",
                            "dm",
                            "mail",
                            "give",
                            "enter",
                            "type",
                            "share",
                            "provide",
                            "print",
                            "show",
                            "display",
                            "affiche",
                            "montre",
                            "muestra",
                            "stampa",
                            "mostra",
                            "mostre",
                            "zeig",
                            "ask for",
                            "request",
                            "schick",
                            "gib",
                            "nenn",
                            "eingeben",
                            "einzugeben",
                            "envoie",
                            "envoyer",
                            "donne",
                            "entrer",
                            "saisir",
                            "demande",
                            "manda",
                            "envia",
                            "envie",
                            "enviar",
                            "dame",
                            "pide",
                            "introduce",
                            "invia",
                            "dammi",
                            "inserire",
                            "chiedi",
                            "inserisci",
                            "mande",
                            "me de",
                            "digite",
                            "informe",
                            "passwort",
                            "kennwort",
                            "zugangsdaten"),
                    signal(
                            "respond_only_with",
                            words(
                                    "respond only with|reply only with|answer only with|respond only|reply only|antworte nur|antworte nur noch|reponds seulement|reponds uniquement|responde solo|responde solamente|responde unicamente|rispondi solo|rispondi soltanto|rispondi unicamente|responda so|responda apenas|responda somente"),
                            0.3,
                            stems(
                                    "respond only with|reply only with|answer only with|respond only|reply only|antworte nur|antworte nur noch|reponds seulement|reponds uniquement|responde solo|responde solamente|responde unicamente|rispondi solo|rispondi soltanto|rispondi unicamente|responda so|responda apenas|responda somente")),
                    signal(
                            "end_of_input",
                            words(
                                    "end of user input|end of the user input|end of user message|user input ends here|ende der nutzereingabe|ende der benutzereingabe|die nutzereingabe endet hier|die benutzereingabe endet hier|fin de l entree utilisateur|la saisie de l utilisateur s arrete ici|fin de la entrada del usuario|la entrada del usuario termina aqui|fine dell input utente|l input dell utente finisce qui|fim da entrada do usuario|a entrada do usuario termina aqui"),
                            0.5,
                            "end of",
                            "user input",
                            "ende der",
                            "die nutzereingabe",
                            "die benutzereingabe",
                            "fin de",
                            "la saisie",
                            "la entrada",
                            "fine dell",
                            "l input",
                            "fim da",
                            "a entrada"),
                    // -- the older English signals, extended --
                    signal(
                            "no_restrictions",
                            words(concat(WITHOUT, new String[] {"ignore", "free from"}))
                                    + "(?: "
                                    + words(
                                            "any|all|your|jede|jegliche|aucune|ninguna|alcuna|nenhuma|ningun|alcun|nenhum")
                                    + ")? "
                                    + words(
                                            "restrictions|restriction|filters|safety|filtering|censorship|limitations|limits|safety guidelines|safety checks|any safety checks|content policy|ethical guidelines|moderation|einschrankungen|beschrankungen|filter|zensur|grenzen|sicherheitsprufung|inhaltsrichtlinien|inhaltsfilter|filtre|filtres|censure|limite|limites|verification de securite|politique de contenu|restricciones|restriccion|filtro|filtros|censura|control de seguridad|politica de contenido|restrizioni|restrizione|filtri|limiti|controllo di sicurezza|policy sui contenuti|restricoes|restricao|verificacao de seguranca|politica de conteudo|jede sicherheitsprufung|nessun controllo di sicurezza|ningun control de seguridad|nenhuma verificacao de seguranca"),
                            0.4,
                            concat(stems(WITHOUT), stems("ignore", "free from"))),
                    anywhere(
                            "not_bound",
                            "(?:no ionger|not) (?:bound|restricted|iimited) by",
                            0.5,
                            "bound by",
                            "restricted by",
                            "limited by"),
                    signal(
                            "bypass_safety",
                            "(?:"
                                    + words(
                                            "bypass|circumvent|disable|turn off|deactivate|evade|switch off|umgeh*|deaktivier*|abschalt*|ausschalt*|contourn*|desactiv*|eludi*|saltarte|aggir*|disattiv*|eluder*|disabilit*|contorn*|desativ*|deslig*|ignor*|drop")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "safety filter|safety filters|safety guidelines|safety rules|safety policy|safety checks|safety protocols|content filter|filters|guardrails|moderation|policy|policies|restrictions|content filters|inhaltsfilter|sicherheitsfilter|beschrankungen|einschrankungen|sicherheitsregeln|filtres|filtres de contenu|filtros|filtros de contenido|restricciones|filtri|filtri sui contenuti|restrizioni|filtros de conteudo|restricoes|safeguards|politique de securite|politica de seguridad|politica di sicurezza|politica de seguranca|filtri di sicurezza|filtres de securite|filtros de seguridad|filtros de seguranca|security policy|sicherheitsrichtlinie|sicherheitsrichtlinien")
                                    + "|"
                                    + words(
                                            "inhaltsfilter|sicherheitsfilter|beschrankungen|einschrankungen|sicherheitsregeln|schutzmechanismen")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "abzuschalten|abschalten|auszuschalten|ausschalten|deaktivieren|zu deaktivieren|umgehen|zu umgehen")
                                    + ")",
                            0.6,
                            "ignor",
                            "drop",
                            "bypass",
                            "circumvent",
                            "disable",
                            "turn off",
                            "deactivate",
                            "evade",
                            "switch off",
                            "umgeh",
                            "deaktivier",
                            "abschalt",
                            "ausschalt",
                            "contourn",
                            "desactiv",
                            "eludi",
                            "saltarte",
                            "aggir",
                            "disattiv",
                            "eluder",
                            "disabilit",
                            "contorn",
                            "desativ",
                            "deslig",
                            "inhaltsfilter",
                            "sicherheitsfilter",
                            "beschrankungen",
                            "einschrankungen",
                            "sicherheitsregeln",
                            "schutzmechanismen"),
                    signal(
                            "new_instructions",
                            words(
                                            "new|updated|real|actual|neue|neuen|nouvelle|nouvelles|nouveau|nouveaux|nueva|nuevas|nuevo|nuevos|nuova|nuove|nuovo|nova|novas|novo")
                                    + "(?: system)? "
                                    + words(
                                            "instructions|instruction|rule|rules|directive|anweisungen|anweisung|instruktionen|regel|regeln|consignes|consigne|regle|regles|instrucciones|instruccion|regla|reglas|indicaciones|istruzioni|istruzione|regola|regole|instrucoes|instrucao|regra|regras"),
                            0.35,
                            "new",
                            "updated",
                            "real",
                            "actual",
                            "neue",
                            "nouve",
                            "nuev",
                            "nuov",
                            "nova",
                            "novo"),
                    signal(
                            "system_override",
                            "(?:"
                                    + words("system|admin|administrator|root|sistema|systeme")
                                    + " "
                                    + words("override|command|notice|uberschreibung|befehl")
                                    + "|"
                                    + words(
                                            "override|remplacement|anulacion|sostituzione|substituicao|uberschreibung")
                                    + "(?: "
                                    + words("du|de|del|di|do|des")
                                    + ")? "
                                    + words("system|sistema|systeme")
                                    + ")",
                            0.45,
                            "system",
                            "admin",
                            "root",
                            "sistema",
                            "override",
                            "remplacement",
                            "anulacion",
                            "sostituzione",
                            "substituicao",
                            "uberschreibung"),
                    signal(
                            "new_mission",
                            words(
                                    "new mission|new task|new priority|neue aufgabe|neue mission|nouvelle mission|nouvelle tache|nueva mision|nueva tarea|nuova missione|nuovo compito|nova missao|nova tarefa"),
                            0.3,
                            "new ",
                            "neue ",
                            "nouvelle ",
                            "nueva ",
                            "nuova ",
                            "nuovo ",
                            "nova "),
                    signal(
                            "from_now_on",
                            words(
                                    "from now on|from this point on|ab sofort|ab jetzt|von nun an|desormais|a partir de maintenant|dorenavant|a partir de ahora|desde ahora|de ahora en adelante|d ora in poi|da ora in poi|da adesso|a partir de agora|de agora em diante|daqui em diante"),
                            0.15,
                            stems(
                                    "from now on|from this point on|ab sofort|ab jetzt|von nun an|desormais|a partir de maintenant|dorenavant|a partir de ahora|desde ahora|de ahora en adelante|d ora in poi|da ora in poi|da adesso|a partir de agora|de agora em diante|daqui em diante")),
                    // -- exfiltration --
                    anywhere(
                            "exfiltrate",
                            words(
                                            "send|post|upload|forward|email|leak|transmit|schick*|sende|senden|ubermittl*|envoie*|envoyer|transmet*|envia|envie|enviar|manda|invia*|trasmett*|transmit*")
                                    + gap(8)
                                    + " "
                                    + words("to|at|an|a|para|per|vers")
                                    + " "
                                    + words("http|https|www|this url|this webhook"),
                            0.3,
                            "http",
                            "www",
                            "this url",
                            "this webhook"),
                    signal(
                            "data_in_link",
                            words(
                                            "image|bild|imagen|immagine|imagem|link|lien|enlace|url|pixel|uri")
                                    + gap(10)
                                    + " "
                                    + words(
                                            "followed by|gefolgt vom|gefolgt von|suivie du|suivi du|suivie de|suivi de|suivie par|seguida del|seguido del|seguida de|seguido de|seguito da|seguita da|seguito dal|seguito dall|seguito dalla|seguida do|seguido do|seguida da|seguido da|plus|with the|with their|mit den|mit der|avec le|avec les|con el|con los|com o|com os")
                                    + gap(3)
                                    + " "
                                    + words(
                                            "user*|nutzer*|benutzer*|utilisateur*|usuario*|utente*|conversation|gesprach*|chat|message|nachricht|mensaje|messaggio|mensagem|email|e mail|name|namen|nom|nombre|nome|address|adresse|direccion|indirizzo|endereco|history|verlauf|historique|historial|cronologia|historico"),
                            0.6,
                            "image",
                            "bild",
                            "imagen",
                            "immagine",
                            "imagem",
                            "link",
                            "lien",
                            "enlace",
                            "url",
                            "pixel",
                            "uri"),
                    signal(
                            "embed_in_url",
                            words(
                                            "embedding them|embed them|embed it|putting them|put it|put them|insert it|include it|einbaust|einbauen|baue ihn|baue sie|en les placant|mets la|mets le|metiendolos|ponla|ponlo|inserendoli|mettila|mettilo|colocando os|coloque|coloque num|in eine bild")
                                    + gap(4)
                                    + " "
                                    + words(
                                            "image url|bild url|url|link|lien|enlace|l url d une image|la url de una imagen|url di un immagine|url de uma imagem|einen link"),
                            0.4,
                            stems(
                                    "embedding them|embed them|embed it|putting them|put it|put them|insert it|include it|einbaust|einbauen|baue ihn|baue sie|en les placant|mets la|mets le|metiendolos|ponla|ponlo|inserendoli|mettila|mettilo|colocando os|coloque|coloque num|in eine bild")),
                    signal(
                            "url_encode_it",
                            words(
                                    "url encode it|url encode them|url encoded|url kodiere ihn|url kodiere sie|url kodieren|encode la pour une url|encode le pour une url|codificala para url|codificalo para url|codificala per url|codificalo per url|codifique para url|codifique a para url"),
                            0.4,
                            stems(
                                    "url encode it|url encode them|url encoded|url kodiere ihn|url kodiere sie|url kodieren|encode la pour une url|encode le pour une url|codificala para url|codificalo para url|codificala per url|codificalo per url|codifique para url|codifique a para url")),
                    signal(
                            "conversation_to_link",
                            words(
                                            "conversation|chat|gesprach|conversacion|conversazione|conversa|history|verlauf|chatverlauf|historique|historial|cronologia|historico|messages|nachrichten|mensajes|messaggi|mensagens")
                                    + gap(10)
                                    + " "
                                    + words(
                                            "link|lien|enlace|url|image|bild|imagen|immagine|imagem"),
                            0.35,
                            stems(
                                    "conversation|chat|gesprach|conversacion|conversazione|conversa|history|verlauf|chatverlauf|historique|historial|cronologia|historico|messages|nachrichten|mensajes|messaggi|mensagens")));

    /** Every phrase signal (at most 64: {@link Keywords} keeps one bit per signal). */
    private static final List<Signal> SIGNALS = concatSignals(SIGNALS_1, SIGNALS_2);

    private static final String AI_LABEL =
            "(?:ai|ki|ia|ai assistant|ki-assistent|assistant ia|asistente de ia|assistente ia"
                    + "|assistente de ia|assistant|assistent|asistente|assistente|chatbot|llm)";

    private static final String BRACKET_ROLE =
            "(?:system|sistema|systeme|admin|administrator|developer|assistant|assistent"
                    + "|asistente|assistente|user|usuario|utente|utilisateur|nutzer|benutzer)";

    private static final List<MarkupSignal> MARKUP =
            List.of(
                    markupAnywhere(
                            "role_marker",
                            "<\\|im_start\\|>|<\\|system\\|>|\\[inst\\]|<<sys>>|</?system>",
                            0.5,
                            "im_start|system|[inst]|<<sys>>"),
                    markupAnywhere(
                            "system_label",
                            "(?:^|[.!?]\\s)[\\s#>*\\-]*(?:system|sistema|systeme|systemnachricht"
                                    + "|system message|message systeme|mensaje del sistema|messaggio di sistema"
                                    + "|mensagem do sistema|admin|administrator|developer|entwickler)"
                                    + "(?:\\s+(?:message|prompt|nachricht))?\\s*:",
                            0.3,
                            "system",
                            "sistema",
                            "admin",
                            "developer",
                            "entwickler",
                            "message",
                            "mensaje",
                            "messaggio",
                            "mensagem"),
                    markupAnywhere(
                            "bracketed_role",
                            "\\[\\s*(?:system|sistema|systeme|admin|administrator|developer"
                                    + "|assistant|assistent|asistente|assistente|user|usuario"
                                    + "|utente|utilisateur|nutzer|benutzer)\\s*\\]",
                            0.4,
                            "system",
                            "sistema",
                            "admin",
                            "developer",
                            "assist",
                            "asist",
                            "user",
                            "usuario",
                            "utente",
                            "utilisateur",
                            "nutzer"),
                    markupAnywhere(
                            "bracketed_turns",
                            "\\[\\s*"
                                    + BRACKET_ROLE
                                    + "\\s*\\][\\s\\S]{0,300}?\\[\\s*"
                                    + BRACKET_ROLE
                                    + "\\s*\\]",
                            0.3,
                            "system",
                            "sistema",
                            "admin",
                            "developer",
                            "assist",
                            "asist",
                            "user",
                            "usuario",
                            "utente",
                            "utilisateur",
                            "nutzer"),
                    markupAnywhere(
                            "user_label",
                            "(?:^|[.!?]\\s)\\s*(?:user|human|usuario|utente|utilisateur|nutzer|benutzer)\\s*:",
                            0.25,
                            "user",
                            "human",
                            "usuario",
                            "utente",
                            "utilisateur",
                            "nutzer"),
                    markup(
                            "ai_label",
                            "(?<=^|[\\s\"'«“(\\[{,>\\-])" + AI_LABEL + "\\s*:",
                            0.25,
                            "ai",
                            "ki",
                            "ia",
                            "assist",
                            "asist",
                            "chatbot",
                            "llm"),
                    markup(
                            "instruction_header",
                            "#{2,}[^#\\n]{0,40}?\\b(?:instruction\\w*|anweisung\\w*|instrucci\\w*"
                                    + "|istruzion\\w*|instruc\\w*|system\\w*|sistema)\\b[^#\\n]{0,40}?(?:#{2,}|:)",
                            0.45,
                            "##"),
                    markup(
                            "html_comment_to_ai",
                            "<!--(?:(?!-->)[\\s\\S]){0,400}?\\b(?:ai|ki|ia|assistant|assistent|asistente"
                                    + "|assistente|llm|language model|sprachmodell|modele de langage"
                                    + "|modelo de lenguaje|modello linguistico|modelo de linguagem|chatbot"
                                    + "|model|modell|modele|modelo|modello|instruction|instructions"
                                    + "|anweisung|consigne|indicacion|istruzione|instrucao|ignore|ignoriere"
                                    + "|ignora)\\b",
                            0.6,
                            "<!--"),
                    markup(
                            "hidden_html",
                            "display\\s*:\\s*none|visibility\\s*:\\s*hidden|font-size\\s*:\\s*0(?![.\\d])|opacity\\s*:\\s*0(?![.\\d])",
                            0.3,
                            "display",
                            "visibility",
                            "font-size",
                            "opacity"),
                    markup(
                            "mention_of_ai",
                            "(?<=^|[\\s(])@(?:ai|ki|ia|assistant|assistent|asistente|assistente|bot|gpt"
                                    + "|chatgpt|claude|llm|copilot)\\b",
                            0.35,
                            "@ai",
                            "@ki",
                            "@ia",
                            "@assist",
                            "@asist",
                            "@bot",
                            "@gpt",
                            "@chatgpt",
                            "@claude",
                            "@llm",
                            "@copilot"),
                    markup(
                            "url_placeholder",
                            "\\]\\(\\s*(?:https?:)?//[^\\s()]*?[?&=]\\s*(?:\\{|\\$[a-z_]|%7b|\\[[^\\]\\n]{1,80}\\]|<[a-z_ ]{2,40}>)"
                                    + "|<img\\b[^>]{0,200}?src\\s*=\\s*[\"']?(?:https?:)?//[^\"'\\s>]*?[?&=]\\s*(?:\\{|\\$[a-z_]|%7b)",
                            0.7,
                            "](",
                            "<img"),
                    markup(
                            "image_url_data",
                            "!\\[[^\\]\\n]{0,200}\\]\\(\\s*(?:https?:)?//[^\\s()?]*\\?[^\\s()]*?"
                                    + "(?:(?:%20|\\+)[^\\s()]*?(?:%20|\\+)[^\\s()]*?(?:%20|\\+)"
                                    + "|password|passwort|senha|contrase|secret|token|api.?key|session|cookie|%3d)",
                            0.55,
                            "!["),
                    markupAnywhere(
                            "override_marker",
                            "[\\[(]\\s*(?:(?:system|sistema|systeme|admin)\\W{0,3}(?:override|uberschreibung"
                                    + "|ueberschreibung|remplacement|anulacion|sostituzione|substituicao|overwrite)"
                                    + "|(?:override|remplacement|anulacion|substituicao|sostituzione|uberschreibung)"
                                    + "\\W{1,3}(?:(?:di|del|do|de|du)\\W+)?(?:system|sistema|systeme))\\s*[\\])]",
                            0.55,
                            "override",
                            "uberschreibung",
                            "ueberschreibung",
                            "remplacement",
                            "anulacion",
                            "sostituzione",
                            "substituicao",
                            "overwrite"),
                    markup(
                            "template_to_ai",
                            "\\{\\{\\s*(?:ai|ki|ia|assistant|assistent|asistente|assistente|system|sistema|systeme)\\s*:",
                            0.45,
                            "{{"),
                    markup(
                            "authorization_code",
                            "\\b(?:(?:authori[sz]ation|verification|confirmation|override|clearance|access"
                                    + "|admin|security|maintenance|developer|autorisierungs|bestatigungs|freigabe"
                                    + "|zugangs|autorisation|validation|autorizacion|verificacion|confirmacion"
                                    + "|autorizzazione|verifica|conferma|autorizacao|verificacao|confirmacao|dev)"
                                    + "[\\s-]*(?:code|key|token|schlussel|pin)"
                                    + "|(?:code|cle|clave|codigo|chiave|codice|chave|key|token)\\s+(?:d'|de |di |do |da |del )?"
                                    + "(?:autorisation|validation|verification|confirmation|autorizacion|verificacion"
                                    + "|confirmacion|autorizzazione|verifica|conferma|autorizacao|verificacao|confirmacao)"
                                    + "|id|kennung|identifiant)\\s*[:#]?\\s*#?[a-z0-9-]*[0-9][a-z0-9-]*"
                                    + "|\\b(?:authori[sz]ation|autorisierung|freigabe|autorisation|autorizacion"
                                    + "|autorizzazione|autorizacao)\\w*(?:\\s+\\w+)?\\s*:?\\s*#?[a-z]{0,5}-?[0-9]{3,}",
                            0.35,
                            "authori",
                            "verifica",
                            "confirma",
                            "override",
                            "clearance",
                            "access",
                            "admin",
                            "security",
                            "maintenance",
                            "dev",
                            "autoris",
                            "bestatigungs",
                            "freigabe",
                            "zugangs",
                            "validation",
                            "autoriz",
                            "conferma",
                            "code",
                            "cle",
                            "clave",
                            "codigo",
                            "chiave",
                            "codice",
                            "chave",
                            "key",
                            "token",
                            "id",
                            "kennung",
                            "identifiant"));

    private static final Keywords HINTS =
            new Keywords(
                    SIGNALS.stream().map(Signal::hints).toList(),
                    SIGNALS.stream().map(s -> false).toList());

    private static final Keywords NEEDLES =
            new Keywords(
                    MARKUP.stream().map(MarkupSignal::needles).toList(),
                    MARKUP.stream().map(s -> false).toList());

    /** A phrase signal whose every match starts with one of {@code hints}. */
    private static Signal signal(String name, String regex, double weight, String... hints) {
        return phrase(name, regex, weight, true, hints);
    }

    /** A phrase signal whose matches contain one of {@code hints} somewhere. */
    private static Signal anywhere(String name, String regex, double weight, String... hints) {
        return phrase(name, regex, weight, false, hints);
    }

    private static Signal phrase(
            String name, String regex, double weight, boolean anchored, String... items) {
        String[] hints = expand(items);
        // Patterns and hints are written in plain spelling; fold 'l' the way canonical() does.
        String[] folded = new String[hints.length];
        for (int i = 0; i < hints.length; i++) {
            folded[i] = hints[i].replace('l', 'i');
        }
        return new Signal(name, Pattern.compile(regex.replace('l', 'i')), weight, folded, anchored);
    }

    /** A markup signal whose every match starts with one of {@code needles}. */
    private static MarkupSignal markup(
            String name, String regex, double weight, String... needles) {
        return new MarkupSignal(
                name, Pattern.compile(regex, Pattern.MULTILINE), weight, expand(needles), true);
    }

    /** A markup signal whose matches contain one of {@code needles} somewhere. */
    private static MarkupSignal markupAnywhere(
            String name, String regex, double weight, String... needles) {
        return new MarkupSignal(
                name, Pattern.compile(regex, Pattern.MULTILINE), weight, expand(needles), false);
    }

    /**
     * A regex matching any of {@code words} as whole canonical words ({@code x*}: words starting
     * with x).
     */
    /** The words of {@code joined}, separated by '|' (word lists are written as one string). */
    private static String[] list(String joined) {
        return joined.split("\\|");
    }

    /** {@code items} with each "a|b" item split into its words. */
    private static String[] expand(String... items) {
        return Arrays.stream(items).flatMap(i -> Arrays.stream(list(i))).toArray(String[]::new);
    }

    private static String words(String... items) {
        String[] words = expand(items);
        StringBuilder b = new StringBuilder("(?<![^ ])(?:");
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                b.append('|');
            }
            String w = words[i];
            b.append(w.endsWith("*") ? w.substring(0, w.length() - 1) + "[^ ]*" : w);
        }
        return b.append(")(?![^ ])").toString();
    }

    /** The literals every match of {@link #words} contains. */
    private static String[] stems(String... items) {
        return Arrays.stream(expand(items))
                .map(w -> w.endsWith("*") ? w.substring(0, w.length() - 1) : w)
                .distinct()
                .toArray(String[]::new);
    }

    /** Up to {@code n} further words. */
    private static String gap(int n) {
        return "(?: [^ ]+){0," + n + "}";
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<Signal> concatSignals(List<Signal> a, List<Signal> b) {
        List<Signal> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** The phrase signals, for tests. */
    static List<Signal> signals() {
        return SIGNALS;
    }

    /** The markup signals, for tests. */
    static List<MarkupSignal> markupSignals() {
        return MARKUP;
    }

    /** Bit i set: the hints allow signal i to match {@code canon}. */
    static long possibleSignals(String canon) {
        return HINTS.find(canon);
    }

    /** Bit i set: the needles allow markup signal i to match {@code plain}. */
    static long possibleMarkup(String plain) {
        return NEEDLES.find(plain);
    }

    /**
     * The names of the signals found in {@code texts}; {@code prefiltered} false runs every regex
     * over the whole text (for tests: the pre-filters must not change the result).
     */
    static Set<String> signalNames(List<String> texts, boolean prefiltered) {
        String joined = texts.size() == 1 ? texts.get(0) : String.join("\n", texts);
        Set<String> hits = new LinkedHashSet<>();
        inspect(TextNormalizer.fold(joined), hits, prefiltered);
        for (String v : TextNormalizer.decodedSegments(joined)) {
            inspect(TextNormalizer.fold(v), hits, prefiltered);
        }
        return hits;
    }

    private InjectionDetector() {}

    /** Scores the concatenation of {@code texts} (the request's messages in order). */
    public static Result score(List<String> texts) {
        String joined = texts.size() == 1 ? texts.get(0) : String.join("\n", texts);
        List<String> decoded = TextNormalizer.decodedSegments(joined);
        Set<String> hits = new LinkedHashSet<>();
        String joinedFolded = TextNormalizer.fold(joined);
        inspect(joinedFolded, hits, true);
        for (String v : decoded) {
            inspect(TextNormalizer.fold(v), hits, true);
        }
        if (hits.isEmpty()) {
            return new Result(0.0, List.of(), false);
        }
        double keep = 1.0;
        for (Signal s : SIGNALS) {
            if (hits.contains(s.name())) {
                keep *= 1 - s.weight();
            }
        }
        for (MarkupSignal s : MARKUP) {
            if (hits.contains(s.name())) {
                keep *= 1 - s.weight();
            }
        }
        boolean obfuscated =
                !decoded.isEmpty() || !joinedFolded.equals(joined.toLowerCase(Locale.ROOT));
        double score = Math.round((1 - keep) * 1000) / 1000.0;
        return new Result(score, List.copyOf(hits), obfuscated);
    }

    /** Adds the signals found in one variant (already folded) of the text. */
    private static void inspect(String folded, Set<String> hits, boolean prefiltered) {
        String canon = TextNormalizer.canonicalOfFolded(folded);
        // Phrase signals start at a word (canonical text is words and single spaces).
        int[][] starts = prefiltered ? HINTS.starts(canon, true) : null;
        for (int i = 0; i < SIGNALS.size(); i++) {
            Signal s = SIGNALS.get(i);
            if (matches(s.pattern(), canon, starts, i, s.anchored())) {
                hits.add(s.name());
            }
        }
        String plain = TextNormalizer.withoutAccents(folded);
        int[][] at = prefiltered ? NEEDLES.starts(plain, false) : null;
        for (int i = 0; i < MARKUP.size(); i++) {
            MarkupSignal s = MARKUP.get(i);
            if (matches(s.pattern(), plain, at, i, s.anchored())) {
                hits.add(s.name());
            }
        }
    }

    /**
     * Whether {@code p} matches {@code text}: anywhere when {@code starts} is null, else not at all
     * when no keyword of group {@code group} occurs, only where one starts when {@code anchored}.
     */
    private static boolean matches(
            Pattern p, String text, int[][] starts, int group, boolean anchored) {
        if (starts == null) {
            return p.matcher(text).find();
        }
        int[] at = starts[group];
        if (at.length == 0) {
            return false;
        }
        Matcher m = p.matcher(text);
        if (!anchored) {
            return m.find();
        }
        // Transparent bounds: look-behinds still see the text before the region.
        m.useTransparentBounds(true).useAnchoringBounds(false);
        for (int pos : at) {
            m.region(pos, text.length());
            if (m.lookingAt()) {
                return true;
            }
        }
        return false;
    }
}
