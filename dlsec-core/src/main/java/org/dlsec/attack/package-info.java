/**
 * The threat taxonomy of the seed surveys as packages: evasion, extraction, inference (membership,
 * inversion), poisoning, fault. Each family has one base interface; each attack is one published
 * algorithm in one file. Attacks use models only through {@link org.dlsec.model.Classifier} and never
 * read files. No attack depends on a defence, the report or the CLI; each family's own rule below is
 * narrower than this one, which is what they need together. May import: core, data, model, metric, train.
 *
 * <p>Example: one attack of three families, each built in one line with its published defaults.
 * <pre>{@code
 * EvasionAttack pgd = Pgd.linf(0.3).build();
 * PoisoningAttack badnets = PoisoningAttacks.create("badnets", PoisoningAttacks.Params.defaults(0.1, 42L));
 * MembershipAttack loss = MembershipAttacks.create("loss", 0, null, Map.of(), 42L);
 * AttackResult r = pgd.run(model, test);
 * }</pre>
 */
package org.dlsec.attack;
