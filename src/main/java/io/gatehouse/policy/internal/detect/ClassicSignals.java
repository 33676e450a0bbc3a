package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * The older English phrase signals, extended to the other languages. Data for {@link
 * InjectionDetector}.
 */
final class ClassicSignals {
    static final List<Signal> ALL =
            List.of(
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
                                    "from now on|from this point on|ab sofort|ab jetzt|von nun an|desormais|a partir de maintenant|dorenavant|a partir de ahora|desde ahora|de ahora en adelante|d ora in poi|da ora in poi|da adesso|a partir de agora|de agora em diante|daqui em diante")));

    private ClassicSignals() {}
}
