package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals of role-play and jailbreak personas ("you are now DAN", "without any rules"). Data
 * for {@link InjectionDetector}.
 */
final class RolePlaySignals {
    static final List<Signal> ALL =
            List.of(
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
                            "libertad"),
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
                                    "ransomware|malware|keylogger|napalm|explosive|sprengstoff|explosif|explosivo|esplosiv|bomb|bombe|bomba|weapon|waffe|arme|arma|poison|vergift|empoisonn|envenen|avvelen|hack|hacken|hackt|pirater|hackear|violare|invadir|fake id|meth|rancongiciel|lock|schloss|serrure|cerradura|serratura|fechadura|alarm system|alarmanlage|alarme|alarma|allarme")));

    private RolePlaySignals() {}
}
