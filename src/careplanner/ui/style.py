"""The app's look: NHS blue accents on a calm, light palette, with a focus outline you can see."""

from __future__ import annotations

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
WARM_YELLOW = "#FFB81C"
RED = "#D5281B"
GREEN = "#007F3B"
GREY_1 = "#425563"
GREY_4 = "#E8EDEE"
PALE_GREY = "#F0F4F5"

STYLE_SHEET = f"""
QWidget {{ color: #212b32; }}
QMainWindow, QDialog {{ background: {PALE_GREY}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: {PALE_GREY}; border: none; }}
QLabel#pageTitle {{ font-size: 20pt; font-weight: 600; color: {NHS_DARK_BLUE}; }}
QLabel#personBanner {{ font-size: 12pt; font-weight: 600; color: white; background: {NHS_BLUE};
    padding: 8px 12px; }}
QLabel#demoBanner {{ background: {WARM_YELLOW}; color: #212b32; font-weight: 600; padding: 4px 12px; }}
QLabel#hint, QLabel#emptyState {{ color: {GREY_1}; }}
QLabel#fieldLabel, QLabel#score {{ font-weight: 600; }}
QListWidget::item:selected {{ background: {NHS_BLUE}; color: white; }}
QLabel#fieldError {{ color: {RED}; font-weight: 600; }}
QFrame#card {{ background: white; border: 1px solid #d8dde0; border-radius: 4px; }}
QFrame#changes {{ background: #eef7ff; border-left: 4px solid {NHS_BLUE}; }}
QFrame#safety {{ background: #fdecea; border: 3px solid {RED}; }}
QFrame#warning {{ background: #fff6e0; border-left: 4px solid {WARM_YELLOW}; }}
QGroupBox {{ background: white; border: 1px solid #d8dde0; border-radius: 4px; margin-top: 14px;
    padding: 12px 8px 8px 8px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {NHS_DARK_BLUE}; }}
QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QListWidget, QTableView {{
    background: white; border: 1px solid #aeb7bd; border-radius: 3px; padding: 3px; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 2px solid {RED}; }}
QSpinBox {{ padding-right: 24px; }}
QSpinBox::up-button, QSpinBox::down-button {{ width: 22px; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus, QListWidget:focus,
QTableView:focus, QCheckBox:focus, QRadioButton:focus {{ border: 2px solid {WARM_YELLOW}; }}
QPushButton {{ background: white; border: 1px solid {NHS_BLUE}; color: {NHS_BLUE}; border-radius: 3px;
    padding: 5px 12px; }}
QPushButton:hover {{ background: #eef7ff; }}
QPushButton:disabled {{ border-color: #aeb7bd; color: #768692; background: {PALE_GREY}; }}
QPushButton:focus {{ border: 3px solid {WARM_YELLOW}; }}
QPushButton#primary {{ background: {NHS_BLUE}; color: white; font-weight: 600; }}
QPushButton#primary:hover {{ background: {NHS_DARK_BLUE}; }}
QPushButton#link {{ border: none; color: {NHS_BLUE}; text-decoration: underline; text-align: left;
    padding: 2px; }}
QListWidget#navigator {{ background: white; border: none; border-right: 1px solid #d8dde0; font-size: 11pt; }}
QListWidget#navigator::item {{ padding: 10px 8px; }}
QListWidget#navigator::item:selected {{ background: {NHS_BLUE}; color: white; }}
QHeaderView::section {{ background: {GREY_4}; padding: 4px; border: none; font-weight: 600; }}
QTableView {{ selection-background-color: {NHS_BLUE}; selection-color: white; gridline-color: #e3e7e9; }}
QLabel#readOnlyNotice {{ background: #eef7ff; border-left: 4px solid {NHS_BLUE}; color: #212b32;
    font-weight: 600; padding: 6px 12px; }}
QComboBox[readOnlyView="true"]:disabled, QCheckBox[readOnlyView="true"]:disabled,
QRadioButton[readOnlyView="true"]:disabled {{ color: #212b32; }}
QComboBox[readOnlyView="true"]:disabled {{ background: {PALE_GREY}; }}
QLineEdit[readOnlyView="true"], QPlainTextEdit[readOnlyView="true"], QSpinBox[readOnlyView="true"] {{
    background: {PALE_GREY}; }}
QWidget#lockScreen {{ background: {NHS_BLUE}; }}
QFrame#lockCard {{ background: white; border-radius: 6px; padding: 16px; }}
QLabel#lockPractice {{ color: {NHS_BLUE}; font-size: 13pt; font-weight: 600; }}
QLabel#lockTitle {{ color: {NHS_DARK_BLUE}; font-weight: 600; }}
QMenu::item:disabled {{ color: #768692; }}
QStatusBar {{ background: white; }}
QStatusBar QLabel {{ padding: 0 10px; border-left: 1px solid #d8dde0; }}
"""
