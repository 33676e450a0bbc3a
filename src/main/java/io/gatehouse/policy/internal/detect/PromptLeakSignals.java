package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals that ask for the system prompt or the text above to be revealed or repeated. Data
 * for {@link InjectionDetector}.
 */
final class PromptLeakSignals {
    static final List<Signal> ALL =
            List.of(
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
                                    "include everything|gib alles aus|inclus tout|incluyelo todo|includi tutto|inclua tudo|in full|vollstandig auf|integralement|completas|per intero|por completo|word for word|verbatim|wortlich|wort fur wort|mot pour mot|mot a mot|palabra por palabra|literalmente|parola per parola|alla lettera|palavra por palavra|in a code block|in einem codeblock|dans un bloc de code|en un bloque de codigo|in un blocco di codice|num bloco de codigo|em um bloco de codigo|unchanged|unverandert|sans modification|sin cambios|senza modifiche|sem alterar|exactement|exactly as|tal cual|esattamente|exatamente")));

    private PromptLeakSignals() {}
}
