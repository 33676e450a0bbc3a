package io.gatehouse.policy.internal.detect;

import io.gatehouse.policy.internal.detect.InjectionDetector.MarkupSignal;
import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The shared vocabulary of the injection signal tables (word lists in six languages, in canonical
 * spelling) and the builders that turn word lists into signals with their pre-filter hints.
 */
final class InjectionVocabulary {
    // ---- word lists (canonical spelling: lower case, no accents; 'l' is folded to 'i' later) ----

    /** Imperatives that discard instructions. */
    static final String[] OVERRIDE_VERBS =
            list(
                    "ignor*|disregard*|forget|skip|override|bypass|drop|abandon|discard|set aside|stop following|do not follow|don t follow|dont follow|no longer follow|stop obeying|vergiss|vergesst|missacht*|ubergeh*|verwirf|losch*|halte dich nicht|halt dich nicht|befolge nicht|befolge keine|setz dich uber|setze dich uber|hor auf|hore auf|oubli*|ne tiens plus compte|ne tiens pas compte|ne tenez plus compte|ne tenez pas compte|fais abstraction|faites abstraction|efface*|ne respecte plus|ne respectez plus|ne suis plus|outrepasse*|passe outre|arrete de suivre|olvid*|no hagas caso|haz caso omiso|pasa por alto|omite|borra|deja de seguir|descarta|no sigas|dimentic*|non tenere conto|lascia perdere|tralascia|cancella|smetti di seguire|non seguire|scarta|trascura|esquec*|esqueca|desconsider*|deixe de lado|apague|pare de seguir|nao siga|descarte|despreze|reset|remets a zero|remettez a zero|reinitialise|zere|zera|resetta|azzera|restablece|schluss mit");

    /** Words that make "the instructions" the model's own: all, previous, your, ... */
    static final String[] QUALIFIERS =
            list(
                    "all|any|every|previous|prior|above|earlier|preceding|original|initial|your|system|whatever|existing|current|default|former|alle|allen|vorherigen|vorigen|bisherigen|obigen|fruheren|ursprunglichen|deine|deinen|deiner|samtliche|samtlichen|jegliche|toutes|tous|precedentes|precedents|anterieures|initiales|tes|vos|ta|ton|todas|todos|anteriores|previas|tus|tu|originales|iniciales|tutte|tutti|precedenti|tue|tuoi|originali|iniziali|suas|seus|sua|seu|originais|iniciais|ninguna|ninguno|nessuna|nessuno|keine|keiner|aucune|aucun|nenhuma|nenhum|alten|old|anciennes|antiguas|vecchie");

    /** Qualifiers that follow the noun ("the rules above", "les consignes précédentes"). */
    static final String[] POST_QUALIFIERS =
            list(
                    "above|before|so far|earlier|previously|given|you were given|you received|oben|bisher|zuvor|vorher|ci dessus|precedentes|anterieures|recues|de arriba|anteriores|previas|recibidas|sopra|precedenti|ricevute|finora|acima|recebidas");

    /** What gets ignored: instructions, rules, guidelines, ... */
    static final String[] RULE_NOUNS =
            list(
                    "instruction|instructions|prompt|prompts|rules|directions|guidelines|directives|guardrails|programming|restrictions|guidance|orders|constraints|policies|commands|safeguards|anweisungen|anweisung|instruktionen|regeln|vorgaben|richtlinien|befehle|programmierung|einschrankungen|beschrankungen|direktiven|leitlinien|consignes|regles|programmation|ordres|instrucciones|indicaciones|reglas|normas|directrices|pautas|ordenes|programacion|restricciones|istruzioni|indicazioni|regole|linee guida|direttive|programmazione|restrizioni|ordini|instrucoes|orientacoes|regras|diretrizes|ordens|programacao|restricoes");

    /**
     * Not followed by "of ...": the rules of chess, die Regeln des Spiels, las reglas del juego.
     */
    static final String NOT_OF =
            "(?! (?:of|des|der|del|della|dello|dei|degli|do|da|dos|das|du)(?![^ ]))";

    /** Phrases that declare instructions void. */
    static final String[] VOID_PHRASES =
            list(
                    "no longer apply|no longer applies|no longer valid|no longer count|are void|is void|are null|are cancel*|is cancel*|are invalid|are revoked|are suspended|is suspended|do not apply|don t apply|are over|is over|ungultig|hinfallig|aufgehoben|ausser kraft|außer kraft|nichtig|widerrufen|ne sont plus|n est plus|sont annule*|est annule*|sont caduque*|est caduc*|sont suspendu*|est suspendu*|ne comptent plus|ya no|quedan anulad*|queda anulad*|queda sin efecto|quedan sin efecto|no son valid*|estan anulad*|quedan suspendid*|queda suspendid*|non sono piu|non e piu|non vale piu|non valgono piu|sono annullat*|e annullat*|sono revocat*|sono sospes*|e sospes*|nao valem mais|nao vale mais|nao sao mais|perdeu a validade|perderam a validade|foram anulad*|estao anulad*|esta anulad*|foram suspens*|esta suspens*|fica sem efeito|ficam sem efeito|non contano|no cuentan|nao contam|zahlen nicht mehr|don t matter|doesn t matter");

    /** Verbs that ask for text to be shown. */
    static final String[] LEAK_VERBS =
            list(
                    "what is|what are|what s|what were|was ist|was sind|wie lautet|quelle est|quelles sont|cual es|cuales son|qual e|quali sono|quais sao|reveal|print|show|repeat|output|display|leak|tell me|give me|dump|paste|quote|copy|list|share|recite|spell out|translate|summarize|summarise|what is in|what s in|what is written in|what s written in|wiederhole|wiederhol|gib|zeig*|sag mir|sage mir|dis moi|dites moi|verrate|nenne|kopier*|ubersetze|zitiere|fass|was steht in|liste|repete|affiche|montre*|revele*|donne*|cite|copie|traduis|resume|qu y a t il dans|que contient|repite|muestra*|ensena*|revela*|dame|dime|cita|copia|traduce|que pone en|que dice|enumera|ripeti|mostra*|rivela*|dammi|dimmi|traduci|riassumi|cosa c e scritto|cosa dice|elenca|fammi vedere|repita|mostre*|revele|me de|diga*|cite|copie|traduza|resuma|o que esta escrito|o que diz|liste|recopie|incolla|cole|pega|colle|kopiere");

    /** Possessives addressed to the model. */
    static final String[] YOUR =
            list(
                    "your|dein|deine|deinen|deinem|deiner|ton|ta|tes|tu|tus|tuo|tua|tuoi|tue|seu|sua|seus|suas");

    /** German verbs that end the sentence: "deine Konfiguration zeigen". */
    static final String[] GERMAN_SHOW_VERBS =
            list(
                    "zeigen|ausgeben|aus|verraten|nennen|wiederholen|preisgeben|offenlegen|kopieren|zitieren|ubersetzen");

    /** The model's own configuration. */
    static final String[] OWN_PROMPT =
            list(
                    "system prompt|system message|system instructions|initial prompt|initial instructions|original instructions|hidden instructions|instructions|prompt|configuration|first instruction|very first instruction|initial instruction|consigne|consigne initiale|instruction initiale|instruccion inicial|istruzione iniziale|instrucao inicial|anweisung|ursprungliche anweisung|systemprompt|systemanweisungen|systemnachricht|anweisungen|instruktionen|ursprunglichen instruktionen|ursprunglichen anweisungen|konfiguration|allererste anweisung|erste anweisung|prompt systeme|consignes systeme|consignes|instructions initiales|premiere instruction|toute premiere instruction|prompt del sistema|prompt de sistema|instrucciones del sistema|instrucciones iniciales|instrucciones|configuracion|primera instruccion|primerisima instruccion|prompt di sistema|istruzioni di sistema|istruzioni iniziali|istruzioni|configurazione|prima istruzione|primissima istruzione|prompt do sistema|instrucoes de sistema|instrucoes iniciais|instrucoes|configuracao|primeira instrucao|primeirissima instrucao");

    /** Nouns for what a model was told. */
    static final String[] TOLD_NOUNS =
            list(
                    "instructions|rules|guidelines|prompt|configuration|anweisungen|regeln|instruktionen|vorgaben|konfiguration|consignes|regles|instrucciones|reglas|indicaciones|configuracion|istruzioni|regole|indicazioni|configurazione|instrucoes|regras|orientacoes|configuracao|preamble|system message|message systeme|systemnachricht|mensaje del sistema|messaggio di sistema|mensagem do sistema|prompt de sistema|prompt do sistema|prompt di sistema|prompt del sistema|prompt systeme|systemprompt");

    /** AIs, bots, models, personas. */
    static final String[] AI_WORDS =
            list(
                    "ai|ki|ia|bot|chatbot|gpt|model|modell|modelo|modello|assistant|assistent|asistente|assistente|twin|zwilling|jumeau|gemelo|gemello|gemeo|version|persona|character|personnage|personaje|personaggio|personagem");

    /** Words that assign a persona to the model. */
    static final String[] PERSONA =
            list(
                    "you are|you re|you were|you will be|you play|you ll play|act as|du bist|du spielst|wenn du|sei|tu so|tu es|tu joues|sois|fais semblant|si tu etais|eres|finge|interpretas|si fueras|interpreti|fingi|immagina di essere|se fossi|voce e|finja|seja|interpreta|se voce fosse|play the role|play the part|spiel die rolle|spiele die rolle|ubernimm die rolle|joue le role|incarne|haz el papel|interpreta el papel|fai la parte|interpreta il ruolo|faca o papel|interprete o papel");

    /** Negations before rules. */
    static final String[] WITHOUT =
            list(
                    "no|without|with no|keine|keinerlei|ohne|sans|aucune|aucun|sin|ningun|ninguna|senza|alcun|alcuna|nessun|nessuna|sem|nenhum|nenhuma|free of|frei von|not any|there are no|es gibt keine|il n y a pas de|il n y a aucune|n existe aucune|no hay|no existen|non ci sono|non esistono|nao ha|nao existem|zero|with zero");

    /** Limits a jailbreak removes. */
    static final String[] LIMITS =
            list(
                    "rules|ethics|ethical rules|morals|morality|limits|limitations|restrictions|guidelines|filters|censorship|boundaries|content polic*|policies|regeln|ethik|ethische regeln|moral|grenzen|beschrankungen|einschrankungen|richtlinien|inhaltsrichtlinien|filter|zensur|regles|regles ethiques|ethique|morale|limites|directives|filtres|censure|politique de contenu|politiques de contenu|reglas|reglas eticas|etica|restricciones|directrices|filtros|censura|politica de contenido|politicas de contenido|regole|regole etiche|limiti|restrizioni|linee guida|filtri|policy|policy sui contenuti|regras|regras eticas|restricoes|diretrizes|politica de conteudo|politicas de conteudo|scruples|skrupel|scrupules|escrupulos|scrupoli|rule|guideline|restriction|limit|filter|directive|directriz|linea guida|diretriz|regla|regola|regra|restriccion|restrizione|restricao|limite|filtro|filtre|richtlinie|regel|einschrankung|beschrankung");

    /** A phrase signal whose every match starts with one of {@code hints}. */
    static Signal signal(String name, String regex, double weight, String... hints) {
        return phrase(name, regex, weight, true, hints);
    }

    /** A phrase signal whose matches contain one of {@code hints} somewhere. */
    static Signal anywhere(String name, String regex, double weight, String... hints) {
        return phrase(name, regex, weight, false, hints);
    }

    static Signal phrase(
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
    static MarkupSignal markup(String name, String regex, double weight, String... needles) {
        return new MarkupSignal(
                name, Pattern.compile(regex, Pattern.MULTILINE), weight, expand(needles), true);
    }

    /** A markup signal whose matches contain one of {@code needles} somewhere. */
    static MarkupSignal markupAnywhere(
            String name, String regex, double weight, String... needles) {
        return new MarkupSignal(
                name, Pattern.compile(regex, Pattern.MULTILINE), weight, expand(needles), false);
    }

    /**
     * A regex matching any of {@code words} as whole canonical words ({@code x*}: words starting
     * with x).
     */
    /** The words of {@code joined}, separated by '|' (word lists are written as one string). */
    static String[] list(String joined) {
        return joined.split("\\|");
    }

    /** {@code items} with each "a|b" item split into its words. */
    static String[] expand(String... items) {
        return Arrays.stream(items).flatMap(i -> Arrays.stream(list(i))).toArray(String[]::new);
    }

    static String words(String... items) {
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
    static String[] stems(String... items) {
        return Arrays.stream(expand(items))
                .map(w -> w.endsWith("*") ? w.substring(0, w.length() - 1) : w)
                .distinct()
                .toArray(String[]::new);
    }

    /** Up to {@code n} further words. */
    static String gap(int n) {
        return "(?: [^ ]+){0," + n + "}";
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private InjectionVocabulary() {}
}
