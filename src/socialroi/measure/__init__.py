"""Measure: attribution, true cost, CLV, base measures, ROI, insights. Tables in, tables out."""
