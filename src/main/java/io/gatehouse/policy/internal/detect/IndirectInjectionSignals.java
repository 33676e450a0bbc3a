package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals of instructions hidden in a document the user asks to summarize or translate. Data
 * for {@link InjectionDetector}.
 */
final class IndirectInjectionSignals {
    static final List<Signal> ALL =
            List.of(
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
                            "a entrada"));

    private IndirectInjectionSignals() {}
}
