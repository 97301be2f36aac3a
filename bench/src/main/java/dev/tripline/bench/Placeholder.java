package dev.tripline.bench;

final class Placeholder {}
