package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals asking to send conversation data out (links, images, URLs). Data for {@link
 * InjectionDetector}.
 */
final class ExfiltrationSignals {
    static final List<Signal> ALL =
            List.of(
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

    private ExfiltrationSignals() {}
}
