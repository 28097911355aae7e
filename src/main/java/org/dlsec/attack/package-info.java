/**
 * The threat taxonomy of the seed surveys as packages: evasion, extraction, inference (membership,
 * inversion), poisoning, fault. Each family has one base interface; each attack is one published
 * algorithm in one file. Attacks use models only through {@link org.dlsec.model.Classifier} and never
 * read files.
 */
package org.dlsec.attack;
