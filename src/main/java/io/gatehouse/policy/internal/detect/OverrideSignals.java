package io.gatehouse.policy.internal.detect;

import static io.gatehouse.policy.internal.detect.InjectionVocabulary.*;

import io.gatehouse.policy.internal.detect.InjectionDetector.Signal;
import java.util.List;

/**
 * Phrase signals that discard the instructions ("ignore your previous instructions", in six
 * languages). Data for {@link InjectionDetector}.
 */
final class OverrideSignals {
    static final List<Signal> ALL =
            List.of(
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
                            "so"));

    private OverrideSignals() {}
}
