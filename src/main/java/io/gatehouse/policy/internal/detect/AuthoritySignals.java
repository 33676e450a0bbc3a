package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals of claimed authority ("I am the developer", fake authorization codes). Data for
 * {@link InjectionDetector}.
 */
final class AuthoritySignals {
    static final List<Signal> ALL =
            List.of(
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
                            "jeder"));

    private AuthoritySignals() {}
}
