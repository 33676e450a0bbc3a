package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.MarkupSignal;
import java.util.List;

/**
 * Markup signals, matched on the folded text with its punctuation: role labels written as plain
 * text ({@code SYSTEM:}, {@code ###Instruction###}), HTML comments addressed to an AI, markdown
 * images whose URL carries a template placeholder or conversation data. Data for {@link
 * InjectionDetector}.
 */
final class MarkupSignals {
    private static final String AI_LABEL =
            "(?:ai|ki|ia|ai assistant|ki-assistent|assistant ia|asistente de ia|assistente ia"
                    + "|assistente de ia|assistant|assistent|asistente|assistente|chatbot|llm)";

    private static final String BRACKET_ROLE =
            "(?:system|sistema|systeme|admin|administrator|developer|assistant|assistent"
                    + "|asistente|assistente|user|usuario|utente|utilisateur|nutzer|benutzer)";

    /** Literals one of which every bracketed role label contains (pre-filter needles). */
    private static final String BRACKET_NEEDLES =
            "system|sistema|admin|developer|assist|asist|user|usuario|utente|utilisateur|nutzer";

    static final List<MarkupSignal> ALL =
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
                            "\\[\\s*" + BRACKET_ROLE + "\\s*\\]",
                            0.4,
                            BRACKET_NEEDLES),
                    markupAnywhere(
                            "bracketed_turns",
                            "\\[\\s*"
                                    + BRACKET_ROLE
                                    + "\\s*\\][\\s\\S]{0,300}?\\[\\s*"
                                    + BRACKET_ROLE
                                    + "\\s*\\]",
                            0.3,
                            BRACKET_NEEDLES),
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

    private MarkupSignals() {}
}
